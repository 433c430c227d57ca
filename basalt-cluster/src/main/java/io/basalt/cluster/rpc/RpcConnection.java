package io.basalt.cluster.rpc;

import io.basalt.cluster.rpc.RpcTransportException.Failure;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One connection to one peer, bound to one event loop (docs/design/cluster.md §12.2: one connection per peer pair per
 * event loop). Requests are multiplexed by an id of the connection's own, written into each frame in place of the
 * caller's and put back into the answer, so callers that number their requests independently never collide; the
 * answers come in any order.
 *
 * <p>Thread ownership: every field is read and written on {@link #loop} only; {@link #send} hops onto it. The
 * connection is (re)opened by the first request after it closed, so a restarted peer is reached again without any
 * timer.
 */
final class RpcConnection {
    private static final int REQUEST_ID_OFFSET = 6;
    private static final int DEADLINE_OFFSET = 14;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final InetSocketAddress peer;
    private final Supplier<RpcFault> fault;

    private Channel channel;
    private ChannelFuture connecting;
    private long nextId;
    private final Map<Long, Pending> pending = new HashMap<>();
    private boolean closed;

    /** A request waiting for its answer. */
    private static final class Pending {
        final long callerId;
        final CompletableFuture<byte[]> answer;
        boolean written;
        ScheduledFuture<?> deadline;

        Pending(long callerId, CompletableFuture<byte[]> answer) {
            this.callerId = callerId;
            this.answer = answer;
        }
    }

    RpcConnection(EventLoop loop, Bootstrap bootstrap, InetSocketAddress peer, Supplier<RpcFault> fault) {
        this.loop = loop;
        this.bootstrap = bootstrap.clone(loop).handler(new io.netty.channel.ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("frames", NettyRpcTransport.frameDecoder())
                        .addLast("answers", new AnswerHandler());
            }
        });
        this.peer = peer;
        this.fault = fault;
    }

    /** Sends one encoded request frame; completes with its answer frame or an {@link RpcTransportException}. */
    CompletableFuture<byte[]> send(byte[] frame) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        if (loop.inEventLoop()) {
            start(frame, answer);
        } else {
            try {
                loop.execute(() -> start(frame, answer));
            } catch (RuntimeException e) {
                answer.completeExceptionally(failure(Failure.NOT_WRITTEN, "the transport is closed", e));
            }
        }
        return answer;
    }

    private void start(byte[] frame, CompletableFuture<byte[]> answer) {
        if (closed) {
            answer.completeExceptionally(failure(Failure.NOT_WRITTEN, "the transport is closed", null));
            return;
        }
        RpcFault injected = fault.get();
        if (injected != null && injected.kind() == RpcFault.Kind.REFUSE) {
            answer.completeExceptionally(failure(Failure.NOT_WRITTEN, "refused by an injected fault", null));
            return;
        }
        long id = ++nextId;
        Pending request = new Pending(readLong(frame, REQUEST_ID_OFFSET), answer);
        pending.put(id, request);
        int deadlineMillis = readInt(frame, DEADLINE_OFFSET);
        if (deadlineMillis > 0) {
            request.deadline = loop.schedule(() -> expire(id), deadlineMillis, TimeUnit.MILLISECONDS);
        }
        if (injected != null && injected.kind() == RpcFault.Kind.DROP) {
            request.written = true;
            return;
        }
        if (injected != null && injected.kind() == RpcFault.Kind.DELAY && !injected.delay().isZero()) {
            loop.schedule(() -> connectThenWrite(id, frame), injected.delay().toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        connectThenWrite(id, frame);
    }

    private void connectThenWrite(long id, byte[] frame) {
        if (!pending.containsKey(id)) {
            return;
        }
        if (channel != null && channel.isActive()) {
            write(id, frame);
            return;
        }
        if (connecting == null) {
            connecting = bootstrap.connect(peer);
            ChannelFuture attempt = connecting;
            attempt.addListener(done -> {
                connecting = null;
                if (done.isSuccess()) {
                    channel = attempt.channel();
                    channel.closeFuture().addListener(ignored -> lost(attempt.channel()));
                    if (closed) {
                        channel.close();
                    }
                }
            });
        }
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                write(id, frame);
            } else {
                fail(id, failure(Failure.NOT_WRITTEN, "cannot connect to " + peer, done.cause()));
            }
        });
    }

    private void write(long id, byte[] frame) {
        Pending request = pending.get(id);
        if (request == null) {
            return;
        }
        ByteBuf out = channel.alloc().buffer(frame.length);
        out.writeBytes(frame, 0, REQUEST_ID_OFFSET);
        out.writeLong(id);
        out.writeBytes(frame, DEADLINE_OFFSET, frame.length - DEADLINE_OFFSET);
        channel.writeAndFlush(out).addListener(done -> {
            if (done.isSuccess()) {
                request.written = true;
            } else {
                fail(id, failure(Failure.NOT_WRITTEN, "cannot write to " + peer, done.cause()));
            }
        });
    }

    private void answered(byte[] frame) {
        long id = readLong(frame, REQUEST_ID_OFFSET);
        Pending request = pending.remove(id);
        if (request == null) {
            return; // its deadline passed: the caller was told already
        }
        cancelDeadline(request);
        writeLong(frame, REQUEST_ID_OFFSET, request.callerId);
        request.answer.complete(frame);
    }

    private void expire(long id) {
        Pending request = pending.get(id);
        if (request != null) {
            fail(id, failure(request.written ? Failure.TIMED_OUT : Failure.NOT_WRITTEN,
                    "no answer from " + peer + " before the request's deadline", null));
        }
    }

    /** The connection closed: every request on it ends, as written-and-lost or as never written. */
    private void lost(Channel gone) {
        if (channel == gone) {
            channel = null;
        }
        for (Long id : new ArrayList<>(pending.keySet())) {
            Pending request = pending.get(id);
            if (request.written) {
                fail(id, failure(Failure.CONNECTION_LOST, "connection to " + peer + " closed", null));
            }
        }
    }

    private void fail(long id, RpcTransportException failure) {
        Pending request = pending.remove(id);
        if (request != null) {
            cancelDeadline(request);
            request.answer.completeExceptionally(failure);
        }
    }

    private static void cancelDeadline(Pending request) {
        if (request.deadline != null) {
            request.deadline.cancel(false);
        }
    }

    /** Closes the connection: requests in flight fail, later ones fail at once. Returns when the channel closed. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable close = () -> {
            closed = true;
            List<Long> ids = new ArrayList<>(pending.keySet());
            for (Long id : ids) {
                Pending request = pending.get(id);
                fail(id, failure(request.written ? Failure.CONNECTION_LOST : Failure.NOT_WRITTEN,
                        "the transport is closed", null));
            }
            if (channel != null) {
                channel.close().addListener(ignored -> done.complete(null));
            } else {
                done.complete(null);
            }
        };
        if (loop.inEventLoop()) {
            close.run();
        } else if (!loop.isShuttingDown()) {
            loop.execute(close);
        } else {
            done.complete(null);
        }
        return done;
    }

    private static RpcTransportException failure(Failure failure, String message, Throwable cause) {
        return new RpcTransportException(failure, message, cause);
    }

    private static long readLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    private static int readInt(byte[] bytes, int offset) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    private static void writeLong(byte[] bytes, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
    }

    /** Answers arriving on the connection, on its event loop. */
    private final class AnswerHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            answered(bytes);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A frame above the cap or a broken stream: the framing cannot be trusted any longer.
            ctx.close();
        }
    }
}
