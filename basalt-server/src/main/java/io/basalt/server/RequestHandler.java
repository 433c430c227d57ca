package io.basalt.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.server.json.JsonObject;
import io.basalt.server.json.RequestJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline: health check, target lookup, authorization header, JSON parse, dispatch, response. Runs
 * on the network thread up to the dispatch; item operations run there too, other handlers on a worker (see
 * {@link OperationHandler#runsOnNetworkThread()}); the response is written back on the channel's network thread.
 */
@ChannelHandler.Sharable
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final String JSON_1_0 = "application/x-amz-json-1.0";
    private static final String JSON_1_1 = "application/x-amz-json-1.1";
    /** The future of a connection's most recent response, which the next response must wait for. */
    private static final AttributeKey<CompletableFuture<Void>> LAST_RESPONSE = AttributeKey.valueOf("basalt.last");
    /** Response headers are Basalt's own constants and numbers: checking each name and value costs 2 % of a read. */
    private static final HttpHeadersFactory RESPONSE_HEADERS =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private final Operations operations;
    private final ExecutorService workers;
    private final String defaultRegion;
    private final String accountId;
    private final AdminEndpoints admin;

    RequestHandler(Operations operations, AdminEndpoints admin, ExecutorService workers, String defaultRegion,
            String accountId) {
        this.operations = requireNonNull(operations, "operations is null");
        this.admin = requireNonNull(admin, "admin is null");
        this.workers = requireNonNull(workers, "workers is null");
        this.defaultRegion = requireNonNull(defaultRegion, "defaultRegion is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext channel, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String requestId = RequestIds.next();
        if (AdminEndpoints.matches(request.uri())) {
            String method = request.method().name();
            String uri = request.uri();
            String body = request.content().toString(StandardCharsets.UTF_8);
            respondInOrder(channel, CompletableFuture.supplyAsync(() -> admin.handle(method, uri, body), workers)
                    .handle((result, failure) -> {
                        AdminEndpoints.Response response = failure == null ? result
                                : AdminEndpoints.error(500, "Internal server error");
                        return () -> writeText(channel, keepAlive, requestId,
                                HttpResponseStatus.valueOf(response.status()), response.contentType(), response.body());
                    }));
            return;
        }
        if (request.method() == HttpMethod.GET) {
            // DynamoDB answers a plain GET with a health line; load balancers and humans with curl use it.
            String health = "healthy: dynamodb." + defaultRegion + ".amazonaws.com ";
            respondInOrder(channel, CompletableFuture.completedFuture(() -> writeText(channel, keepAlive, requestId,
                    HttpResponseStatus.OK, "text/plain", health)));
            return;
        }
        ByteBuf content = request.content();
        String contentType = mediaType(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
        if (request.method() != HttpMethod.POST || (content.isReadable() && !isJson(contentType))) {
            // What DynamoDB sends for anything that is not a JSON POST: a 404 whose body is not even JSON.
            respondInOrder(channel, CompletableFuture.completedFuture(() -> writeText(channel, keepAlive, requestId,
                    HttpResponseStatus.NOT_FOUND, "application/x-amz-json-1.0", "<UnknownOperationException/>\n")));
            return;
        }
        String responseType = JSON_1_0.equals(contentType) || JSON_1_1.equals(contentType) ? contentType
                : "application/json";
        CompletableFuture<ResponseBody> response;
        try {
            // DynamoDB's order: the body must parse before the target and the credentials are looked at.
            if (!content.isReadable()) {
                throw new BasaltException(ErrorCode.SERIALIZATION, null);
            }
            JsonObject body = RequestJson.parse(new ByteBufInputStream(content), content.readableBytes());
            OperationHandler handler = operations.lookup(request.headers().get("X-Amz-Target"));
            RequestContext context = context(requestId, request.headers().get(HttpHeaderNames.AUTHORIZATION),
                    request.headers().get(HttpHeaderNames.HOST));
            response = handler.runsOnNetworkThread() ? handleHere(handler, context, body)
                    : CompletableFuture.supplyAsync(() -> handler.handle(context, body), workers)
                            .thenCompose(future -> future);
        } catch (BasaltException e) {
            response = CompletableFuture.failedFuture(e);
        } catch (RejectedExecutionException e) {
            response = CompletableFuture.failedFuture(
                    new BasaltException(ErrorCode.SERVICE_UNAVAILABLE, "Server is shutting down"));
        }
        respondInOrder(channel, response.handle((result, failure) -> failure == null
                ? () -> writeJson(channel, keepAlive, requestId, responseType, HttpResponseStatus.OK, result)
                : () -> writeError(channel, keepAlive, requestId, responseType, asBasaltException(failure))));
    }

    /** Runs a handler that never waits on this network thread; its failures become the response's. */
    private static CompletableFuture<ResponseBody> handleHere(OperationHandler handler, RequestContext context,
            JsonObject body) {
        try {
            return handler.handle(context, body);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Writes a response once it is ready and every earlier response of the connection is written. Requests are
     * handled concurrently, but HTTP/1.1 requires responses in request order for clients that pipeline.
     *
     * @param write completes (never exceptionally) with the action that writes the response
     */
    private static void respondInOrder(ChannelHandlerContext channel, CompletableFuture<Runnable> write) {
        Attribute<CompletableFuture<Void>> last = channel.channel().attr(LAST_RESPONSE);
        CompletableFuture<Void> previous = last.get();
        if ((previous == null || previous.isDone()) && write.isDone()) {
            write.join().run();
            last.set(null);
            return;
        }
        CompletableFuture<Void> ready = previous == null ? CompletableFuture.completedFuture(null) : previous;
        last.set(ready.thenCombineAsync(write, (ignored, action) -> {
            action.run();
            return null;
        }, channel.executor()));
    }

    /** The media type of a Content-Type header, without parameters; null when absent. */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase();
    }

    /**
     * DynamoDB takes {@code application/x-amz-json-1.0} and {@code application/json}; Basalt also takes the 1.1
     * variant that some generic AWS JSON clients send.
     */
    private static boolean isJson(String mediaType) {
        return JSON_1_0.equals(mediaType) || JSON_1_1.equals(mediaType) || "application/json".equals(mediaType);
    }

    private RequestContext context(String requestId, String authorization, String host) {
        AuthorizationHeader header = AuthorizationHeader.parse(authorization);
        if (header == null) {
            if (authorization == null || !authorization.startsWith("AWS4-")) {
                throw new BasaltException(ErrorCode.MISSING_AUTHENTICATION_TOKEN,
                        "Request is missing Authentication Token");
            }
            throw new BasaltException(ErrorCode.INCOMPLETE_SIGNATURE,
                    "Authorization header requires 'Credential' parameter. Authorization header requires "
                            + "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
                            + "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                            + "header. Authorization=" + authorization);
        }
        return new RequestContext(requestId, header.accessKeyId(), header.region(), accountId,
                host == null ? "localhost" : host);
    }

    static BasaltException asBasaltException(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof BasaltException basalt) {
            if (basalt.code().isServerFault()) {
                LOG.error("Request failed", basalt.getCause() != null ? basalt.getCause() : basalt);
            }
            return basalt;
        }
        LOG.error("Unexpected failure while handling a request", cause);
        return new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", cause);
    }

    void writeError(ChannelHandlerContext channel, boolean keepAlive, String requestId, String contentType,
            BasaltException error) {
        writeJson(channel, keepAlive, requestId, contentType, HttpResponseStatus.valueOf(error.code().httpStatus()),
                ErrorFormatter.body(error));
    }

    private void writeJson(ChannelHandlerContext channel, boolean keepAlive, String requestId, String contentType,
            HttpResponseStatus status, ResponseBody body) {
        if (body == ResponseBody.NONE) {
            send(channel, keepAlive, requestId, contentType, status, channel.alloc().buffer(0));
            return;
        }
        ByteBuf buffer = channel.alloc().buffer(256);
        try (JsonGenerator out = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buffer),
                JsonEncoding.UTF8)) {
            body.write(out);
        } catch (IOException | RuntimeException e) {
            buffer.release();
            LOG.error("Writing a response failed", e);
            if (status == HttpResponseStatus.OK) {
                writeError(channel, keepAlive, requestId, contentType,
                        new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", e));
            } else {
                channel.close();
            }
            return;
        }
        send(channel, keepAlive, requestId, contentType, status, buffer);
    }

    private void writeText(ChannelHandlerContext channel, boolean keepAlive, String requestId,
            HttpResponseStatus status, String contentType, String text) {
        ByteBuf buffer = channel.alloc().buffer(text.length());
        buffer.writeCharSequence(text, StandardCharsets.UTF_8);
        send(channel, keepAlive, requestId, contentType, status, buffer);
    }

    private static void send(ChannelHandlerContext channel, boolean keepAlive, String requestId, String contentType,
            HttpResponseStatus status, ByteBuf buffer) {
        CRC32 crc = new CRC32();
        crc.update(buffer.nioBuffer());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buffer,
                RESPONSE_HEADERS, RESPONSE_HEADERS);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, buffer.readableBytes())
                .set("x-amzn-RequestId", requestId)
                .set("x-amz-crc32", Long.toString(crc.getValue()));
        if (keepAlive) {
            channel.writeAndFlush(response, channel.voidPromise());
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, "close");
            channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext channel, Throwable cause) {
        if (!(cause instanceof IOException)) {
            LOG.warn("Closing a connection after an unexpected error", cause);
        }
        channel.close();
    }
}
