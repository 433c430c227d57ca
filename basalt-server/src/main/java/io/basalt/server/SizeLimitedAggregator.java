package io.basalt.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Collects a request body up to the size limit. A request whose Content-Length is over the limit is refused
 * before any of its body is read; one that grows past it while streaming is cut off. Either way the client gets a
 * 413 as DynamoDB sends it and the connection is closed, since the rest of the body cannot be skipped cheaply.
 * The limit is on the body as sent; {@link RequestDecoding} holds a compressed body's decoded size to it too.
 */
final class SizeLimitedAggregator extends HttpObjectAggregator {
    SizeLimitedAggregator(int maxContentLength) {
        super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext channel, HttpMessage oversized) {
        // DynamoDB answers an oversized request with a bare 413 and no body.
        ByteBuf content = Unpooled.EMPTY_BUFFER;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, content);
        ResponseHeaders.addServerAndDate(response.headers());
        response.headers()
                .setInt(ResponseHeaders.CONTENT_LENGTH, content.readableBytes())
                .set(ResponseHeaders.REQUEST_ID, RequestIds.next());
        if (oversized.headers().contains(HttpHeaderNames.ORIGIN)) {
            ResponseHeaders.addCors(response.headers());
        }
        response.headers().set(ResponseHeaders.CONNECTION, "close");
        channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
