package io.basalt.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Looks at the first byte of a connection: a TLS handshake sent to Basalt's plain HTTP port gets a 400 and a
 * closed connection at once. Without this the HTTP decoder would wait for the end of a request line that never
 * comes, and the client would hang until its timeout. Every HTTP/1.x request starts with a method name in
 * letters, while a TLS record starts with its content type (22 for a handshake, RFC 8446 section 5.1) and an SSL
 * 2.0 hello with its high bit set, so one byte tells them apart. The guard leaves the pipeline after the first
 * read, so later requests do not pass through it.
 */
@ChannelHandler.Sharable
final class PlainTextGuard extends ChannelInboundHandlerAdapter {
    static final PlainTextGuard INSTANCE = new PlainTextGuard();

    private static final int TLS_HANDSHAKE = 22;

    private PlainTextGuard() {
    }

    @Override
    public void channelRead(ChannelHandlerContext channel, Object message) {
        if (message instanceof ByteBuf bytes && bytes.isReadable()) {
            int first = bytes.getUnsignedByte(bytes.readerIndex());
            if (first == TLS_HANDSHAKE || first >= 0x80) {
                bytes.release();
                // The HTTP encoder sits after this handler, so the answer is written as bytes.
                String response = "HTTP/1.1 400 Bad Request\r\n"
                        + "Server: Server\r\n"
                        + "Date: " + ResponseHeaders.now() + "\r\n"
                        + "Content-Length: 0\r\n"
                        + ResponseHeaders.REQUEST_ID + ": " + RequestIds.next() + "\r\n"
                        + "Connection: close\r\n\r\n";
                channel.writeAndFlush(ByteBufUtil.writeAscii(channel.alloc(), response))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        channel.pipeline().remove(this);
        channel.fireChannelRead(message);
    }
}
