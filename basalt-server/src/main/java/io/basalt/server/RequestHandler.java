package io.basalt.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.cluster.Admission;
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
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline, as named stages that each reject before the next one works (cluster.md §17, http.md):
 * <ol>
 *   <li>size cap: {@link SizeLimitedAggregator}, in front of this handler, refuses a Content-Length over the limit
 *       with 413 before reading the body;
 *   <li>HTTP-level answers: a request Netty could not parse, a preflight OPTIONS, the admin endpoints, the health
 *       check, DynamoDB's 404 for anything but a JSON POST;
 *   <li>admission ({@link Admission}): bounded requests and bytes in flight, else ServiceUnavailableException;
 *   <li>authentication: the Authorization header is read before the body is decoded, where SigV4 verification
 *       will go (it covers the raw body); its verdict is reported in DynamoDB's order, after the lookup;
 *   <li>decode ({@link RequestDecoding}), parse, operation lookup ({@link OperationRegistry}), the authentication
 *       verdict, then the operation, which validates its typed request and dispatches it;
 *   <li>one error formatter ({@link ErrorFormatter}) for every failure.
 * </ol>
 * Runs on the network thread up to the dispatch; item operations run there too (on a cluster node only the
 * single-item writes), other handlers on a worker (see {@link OperationHandler#runsOnNetworkThread()} and
 * {@link OperationHandler#runsOnClusterNetworkThread()}); the response is written back on the channel's network thread,
 * compressed when the client accepts it ({@link ResponseCompression}).
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

    /** What a request refused at admission is told; DynamoDB's own text for this case is not known. */
    private static final String OVERLOADED = "Too many requests in flight; retry with backoff";

    private final OperationRegistry operations;
    private final Admission admission;
    private final ExecutorService workers;
    private final String defaultRegion;
    private final String accountId;
    private final AdminEndpoints admin;
    /** The limit on a decoded (decompressed) body; the aggregator holds the raw body to the same limit. */
    private final int maxRequestBytes;
    /**
     * Whether this serves a cluster node, whose routed calls get their answers on these same event loops (the
     * internal RPC shares them, cluster.md §12.1): there only handlers that never wait for one run on them.
     */
    private final boolean clusterNode;

    RequestHandler(OperationRegistry operations, Admission admission, AdminEndpoints admin, ExecutorService workers,
            String defaultRegion, String accountId, int maxRequestBytes, boolean clusterNode) {
        this.clusterNode = clusterNode;
        this.operations = requireNonNull(operations, "operations is null");
        this.admission = requireNonNull(admission, "admission is null");
        this.admin = requireNonNull(admin, "admin is null");
        this.workers = requireNonNull(workers, "workers is null");
        this.defaultRegion = requireNonNull(defaultRegion, "defaultRegion is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext channel, FullHttpRequest request) {
        // Stages are numbered as in cluster.md §17. Stage 1, the size cap, has run: SizeLimitedAggregator refuses a
        // Content-Length over the limit with 413 before the body is read, whatever else the request carries.
        HttpHeaders headers = request.headers();
        Reply reply = new Reply(RequestIds.next(), HttpUtil.isKeepAlive(request),
                ResponseCompression.negotiate(lastValue(headers, HttpHeaderNames.ACCEPT_ENCODING)),
                headers.contains(HttpHeaderNames.ORIGIN));
        String contentType = mediaType(headers.get(HttpHeaderNames.CONTENT_TYPE));
        if (answeredAtHttpLevel(channel, request, reply, contentType)) { // stage 2
            return;
        }
        String responseType = JSON_1_0.equals(contentType) || JSON_1_1.equals(contentType) ? contentType
                : "application/json";
        ByteBuf raw = request.content();
        int size = raw.readableBytes();
        // Stage 3, admission: refused before any work on the body. Every path below gives the permit back.
        if (!admission.tryAcquire(size)) {
            respondInOrder(channel, CompletableFuture.completedFuture(() -> writeError(channel, reply, responseType,
                    new BasaltException(ErrorCode.SERVICE_UNAVAILABLE, OVERLOADED))));
            return;
        }
        // Stage 4, authentication: the header is read here, where SigV4 verification will go, over the raw body
        // and before decoding. Its verdict is reported after the parse and the lookup, in DynamoDB's order.
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        AuthorizationHeader credentials = AuthorizationHeader.parse(authorization);
        // Stage 5, decode: Content-Encoding undone, the body held to the size limit once more.
        ByteBuf content;
        try {
            content = RequestDecoding.decode(channel.alloc(), raw, headers.get(HttpHeaderNames.CONTENT_ENCODING),
                    maxRequestBytes);
        } catch (BasaltException e) {
            admission.release(size);
            // A client's broken encoding, not a server fault: answered without logging it as one.
            respondInOrder(channel, CompletableFuture.completedFuture(
                    e.code() == ErrorCode.REQUEST_ENTITY_TOO_LARGE
                            ? () -> send(channel, reply, null, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                                    channel.alloc().buffer(0))
                            : () -> writeError(channel, reply, responseType, e)));
            return;
        } catch (RuntimeException e) {
            admission.release(size);
            throw e;
        }
        CompletableFuture<ResponseBody> response;
        try {
            response = dispatch(reply, headers, authorization, credentials, content);
        } catch (RejectedExecutionException e) {
            response = CompletableFuture.failedFuture(
                    new BasaltException(ErrorCode.SERVICE_UNAVAILABLE, "Server is shutting down"));
        } catch (RuntimeException e) {
            // Not only BasaltException: whatever escapes must still release the permit and reach the formatter.
            response = CompletableFuture.failedFuture(e);
        } finally {
            if (content != raw) {
                content.release();
            }
        }
        // Stage 10, the one error formatter: every failure above and in the operation becomes DynamoDB's body here.
        // The permit comes back as the response is ready, whether or not the connection is still open to take it.
        respondInOrder(channel, response.handle((result, failure) -> {
            admission.release(size);
            return failure == null
                    ? () -> writeJson(channel, reply, responseType, HttpResponseStatus.OK, result)
                    : () -> writeError(channel, reply, responseType, asBasaltException(failure));
        }));
    }

    /**
     * Stages 6 to 9: parse, operation lookup, the authentication verdict, then the operation, which validates its
     * typed request and dispatches it. DynamoDB's observable order puts the parse first: a body that is not JSON is a
     * SerializationException whatever the target and credentials, and an unknown target is reported before missing
     * credentials (wire-reference.md §1.1 items 6 to 8, which the compat suite pins). cluster.md §17 records why
     * this differs from Alternator's lookup-before-parse.
     */
    private CompletableFuture<ResponseBody> dispatch(Reply reply, HttpHeaders headers, String authorization,
            AuthorizationHeader credentials, ByteBuf content) {
        if (!content.isReadable()) {
            throw new BasaltException(ErrorCode.SERIALIZATION, null);
        }
        JsonObject body = RequestJson.parse(new ByteBufInputStream(content), content.readableBytes());
        OperationHandler handler = operations.lookup(headers.get("X-Amz-Target"));
        RequestContext context = context(reply.requestId(), credentials, authorization,
                headers.get(HttpHeaderNames.HOST));
        boolean here = clusterNode ? handler.runsOnClusterNetworkThread() : handler.runsOnNetworkThread();
        CompletableFuture<ResponseBody> answer = here
                ? handleHere(handler, context, body)
                : CompletableFuture.supplyAsync(() -> handler.handle(context, body), workers)
                        .thenCompose(future -> future);
        // Logged here, where the request's tables are known (ServerFaults); the formatter then only converts.
        return answer.exceptionally(failure -> {
            throw ServerFaults.reported(failure, reply.requestId(), headers.get("X-Amz-Target"), body);
        });
    }

    /**
     * Answers what is settled at the HTTP level, before any operation work: a request Netty could not parse, a
     * browser's preflight, the admin endpoints, the health check and DynamoDB's 404 for anything but a JSON POST.
     *
     * @return whether the request was answered
     */
    private boolean answeredAtHttpLevel(ChannelHandlerContext channel, FullHttpRequest request, Reply reply,
            String contentType) {
        HttpHeaders headers = request.headers();
        if (request.decoderResult().isFailure()) {
            // Netty hands a request it could not parse on as "GET /bad-request": it must never reach the health
            // check. The rest of the connection's bytes cannot be trusted, so it is closed.
            HttpResponseStatus status = malformedStatus(request.decoderResult().cause());
            respondInOrder(channel, CompletableFuture.completedFuture(() -> send(channel, reply.closing(), null,
                    status, channel.alloc().buffer(0))));
            return true;
        }
        if (request.method() == HttpMethod.OPTIONS && reply.cors()) {
            respondInOrder(channel, CompletableFuture.completedFuture(() -> sendPreflight(channel, reply, headers)));
            return true;
        }
        if (AdminEndpoints.matches(request.uri())) {
            String method = request.method().name();
            String uri = request.uri();
            String body = request.content().toString(StandardCharsets.UTF_8);
            respondInOrder(channel, CompletableFuture.supplyAsync(() -> admin.handle(method, uri, body), workers)
                    .handle((result, failure) -> {
                        AdminEndpoints.Response response = failure == null ? result
                                : AdminEndpoints.error(500, "Internal server error");
                        return () -> writeText(channel, reply, HttpResponseStatus.valueOf(response.status()),
                                response.contentType(), response.body());
                    }));
            return true;
        }
        if (request.method() == HttpMethod.GET && isRoot(request.uri())) {
            // DynamoDB answers GET / with a health line; load balancers and humans with curl use it.
            String health = "healthy: dynamodb." + defaultRegion + ".amazonaws.com ";
            respondInOrder(channel, CompletableFuture.completedFuture(() -> writeText(channel, reply,
                    HttpResponseStatus.OK, "text/plain", health)));
            return true;
        }
        if (request.method() != HttpMethod.POST
                || (request.content().isReadable() && !isJson(contentType))) {
            // What DynamoDB sends for anything that is not a JSON POST (other methods, GET of another path): a 404
            // whose body is not even JSON.
            respondInOrder(channel, CompletableFuture.completedFuture(() -> writeText(channel, reply,
                    HttpResponseStatus.NOT_FOUND, JSON_1_0, "<UnknownOperationException/>\n")));
            return true;
        }
        return false;
    }

    /** The last of a header's values: DynamoDB heeds the last Accept-Encoding when a request repeats it. */
    private static String lastValue(HttpHeaders headers, CharSequence name) {
        String value = headers.get(name);
        if (value == null) {
            return null;
        }
        List<String> all = headers.getAll(name);
        return all.get(all.size() - 1);
    }

    /** Whether a request target is DynamoDB's root, {@code /} with or without a query. */
    private static boolean isRoot(String uri) {
        return uri.equals("/") || uri.startsWith("/?");
    }

    /**
     * The status for a request Netty could not parse: 414 for a request line over the decoder's limit, 431 for
     * headers over theirs, 400 for anything else (a malformed request line, a bad header, a bad chunk).
     */
    private static HttpResponseStatus malformedStatus(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
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

    /** The authentication verdict on a header read in stage 4: a missing or malformed one is refused here. */
    private RequestContext context(String requestId, AuthorizationHeader header, String authorization, String host) {
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

    /**
     * What the client is told of a failure. An operation's failures were logged by {@link ServerFaults} on their way
     * out of {@link #dispatch}; of the rest (refused before the operation ran), only what is not a
     * {@link BasaltException} is a defect worth a log line.
     */
    static BasaltException asBasaltException(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof BasaltException basalt) {
            return basalt;
        }
        LOG.error("Unexpected failure while handling a request", cause);
        return new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", cause);
    }

    void writeError(ChannelHandlerContext channel, Reply reply, String contentType, BasaltException error) {
        writeJson(channel, reply, contentType, HttpResponseStatus.valueOf(error.code().httpStatus()),
                ErrorFormatter.body(error));
    }

    private void writeJson(ChannelHandlerContext channel, Reply reply, String contentType, HttpResponseStatus status,
            ResponseBody body) {
        if (body == ResponseBody.NONE) {
            send(channel, reply, contentType, status, channel.alloc().buffer(0));
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
                writeError(channel, reply, contentType,
                        new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", e));
            } else {
                channel.close();
            }
            return;
        }
        send(channel, reply, contentType, status, buffer);
    }

    private static void writeText(ChannelHandlerContext channel, Reply reply, HttpResponseStatus status,
            String contentType, String text) {
        ByteBuf buffer = channel.alloc().buffer(text.length());
        buffer.writeCharSequence(text, StandardCharsets.UTF_8);
        send(channel, reply, contentType, status, buffer);
    }

    /**
     * Writes a response with DynamoDB's headers, in the order it sends them. A body of
     * {@link ResponseCompression#THRESHOLD_BYTES} or more goes out compressed when the client accepts it, and the
     * CRC32 header then covers the compressed bytes, the bytes on the wire, as DynamoDB's does: the SDKs check it
     * before they decompress (AWS SDK for Java v2 Crc32Validation, Go v2's DynamoDB checksum customization).
     *
     * @param contentType null for a response without a Content-Type (a malformed request's)
     */
    private static void send(ChannelHandlerContext channel, Reply reply, String contentType,
            HttpResponseStatus status, ByteBuf buffer) {
        ByteBuf body = buffer;
        boolean compressed = reply.coding() != ResponseCompression.Coding.NONE
                && buffer.readableBytes() >= ResponseCompression.THRESHOLD_BYTES;
        if (compressed) {
            try {
                body = ResponseCompression.compress(channel.alloc(), buffer, reply.coding());
            } catch (RuntimeException e) {
                // Compression is an offer, not a promise: the body goes out as it is.
                LOG.warn("Compressing a response failed; sending it uncompressed", e);
                compressed = false;
            }
        }
        CRC32 crc = new CRC32();
        crc.update(body.nioBuffer());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body,
                RESPONSE_HEADERS, RESPONSE_HEADERS);
        HttpHeaders headers = response.headers();
        ResponseHeaders.addServerAndDate(headers);
        if (contentType != null) {
            headers.add(ResponseHeaders.CONTENT_TYPE, contentType);
        }
        headers.addInt(ResponseHeaders.CONTENT_LENGTH, body.readableBytes());
        if (compressed) {
            headers.add(ResponseHeaders.CONTENT_ENCODING, reply.coding().headerValue());
        }
        headers.add(ResponseHeaders.REQUEST_ID, reply.requestId())
                .add(ResponseHeaders.CRC32, Long.toString(crc.getValue()));
        if (reply.cors()) {
            ResponseHeaders.addCors(headers);
        }
        write(channel, reply, response);
    }

    /** Answers a browser's preflight OPTIONS as DynamoDB does: 200, no body, the CORS grants. */
    private static void sendPreflight(ChannelHandlerContext channel, Reply reply, HttpHeaders request) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                channel.alloc().buffer(0), RESPONSE_HEADERS, RESPONSE_HEADERS);
        HttpHeaders headers = response.headers();
        ResponseHeaders.addServerAndDate(headers);
        headers.addInt(ResponseHeaders.CONTENT_LENGTH, 0).add(ResponseHeaders.REQUEST_ID, reply.requestId());
        ResponseHeaders.addPreflight(headers, request);
        write(channel, reply, response);
    }

    private static void write(ChannelHandlerContext channel, Reply reply, FullHttpResponse response) {
        if (reply.keepAlive()) {
            channel.writeAndFlush(response, channel.voidPromise());
        } else {
            response.headers().set(ResponseHeaders.CONNECTION, HttpHeaderValues.CLOSE);
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
