package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal RPC over TCP (docs/design/cluster.md §12.1, §12.2): a node's listening socket, which hands every
 * request frame to its {@link RpcHandler}, and its connections to peers, one per peer per event loop, each carrying
 * many requests at once. Frames are {@link RpcCodec}'s: a u32 length first, at most {@link RpcCodec#MAX_FRAME_BYTES}
 * in all; a longer one closes the connection it came on.
 *
 * <p>Runs on the event loops it is given ({@link EventLoops}: the HTTP server's, so a node adds no threads), or on
 * its own small group when it is given none (tests, tools); {@link #close} stops that group and nothing else.
 * Thread-safe.
 */
public final class NettyRpcTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyRpcTransport.class);

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final List<EventLoop> loops;
    private final Bootstrap bootstrap;
    private final Channel serverChannel;
    private final ChannelGroup accepted;
    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, RpcFault> faults = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Event loops to run on and the channel classes that go with their I/O handler (epoll or NIO). */
    public record EventLoops(EventLoopGroup group, Class<? extends SocketChannel> channel,
            Class<? extends ServerSocketChannel> serverChannel) {
        public EventLoops {
            requireNonNull(group, "group is null");
            requireNonNull(channel, "channel is null");
            requireNonNull(serverChannel, "serverChannel is null");
        }
    }

    private NettyRpcTransport(EventLoops loops, boolean ownsGroup, InetSocketAddress bind, RpcHandler handler) {
        this.group = loops.group();
        this.ownsGroup = ownsGroup;
        List<EventLoop> members = new ArrayList<>();
        for (EventExecutor executor : group) {
            members.add((EventLoop) executor);
        }
        this.loops = List.copyOf(members);
        this.bootstrap = new Bootstrap().group(group).channel(loops.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
        this.accepted = new DefaultChannelGroup("basalt-rpc-accepted", GlobalEventExecutor.INSTANCE);
        if (handler == null) {
            this.serverChannel = null;
            return;
        }
        ServerBootstrap server = new ServerBootstrap().group(group).channel(loops.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        accepted.add(channel);
                        channel.pipeline().addLast("frames", frameDecoder())
                                .addLast("requests", new RequestHandler(handler));
                    }
                });
        this.serverChannel = server.bind(bind).syncUninterruptibly().channel();
    }

    /**
     * Listens on {@code bind} (port 0: any free port) and serves every request frame with {@code handler}, on its
     * own event loops ({@code threads} of them, named {@code basalt-rpc-*}).
     */
    public static NettyRpcTransport start(InetSocketAddress bind, RpcHandler handler, int threads) {
        requireNonNull(bind, "bind is null");
        requireNonNull(handler, "handler is null");
        return new NettyRpcTransport(ownLoops(threads), true, bind, handler);
    }

    /** Listens on {@code bind} and serves with {@code handler}, on event loops it is given and does not stop. */
    public static NettyRpcTransport start(InetSocketAddress bind, RpcHandler handler, EventLoops loops) {
        requireNonNull(bind, "bind is null");
        requireNonNull(handler, "handler is null");
        return new NettyRpcTransport(loops, false, bind, handler);
    }

    /** A transport that only sends (a client of other nodes), on its own event loops. */
    public static NettyRpcTransport client(int threads) {
        return new NettyRpcTransport(ownLoops(threads), true, null, null);
    }

    private static EventLoops ownLoops(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("basalt-rpc", true),
                NioIoHandler.newFactory());
        return new EventLoops(group, NioSocketChannel.class, NioServerSocketChannel.class);
    }

    /** The address this transport listens on. */
    public InetSocketAddress localAddress() {
        if (serverChannel == null) {
            throw new IllegalStateException("this transport does not listen");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The event loops, for timers that must not add a thread (the Router's backoff waits). */
    public java.util.concurrent.ScheduledExecutorService timer() {
        return group;
    }

    /** The transport to one peer: each call goes over the connection of the calling event loop (or a stable one). */
    public RpcTransport peer(InetSocketAddress address) {
        requireNonNull(address, "address is null");
        return peers.computeIfAbsent(address, Peer::new);
    }

    /** Makes every request to {@code peer} suffer {@code fault} until {@link #clearFault}. */
    public void injectFault(InetSocketAddress peer, RpcFault fault) {
        faults.put(requireNonNull(peer, "peer is null"), requireNonNull(fault, "fault is null"));
    }

    public void clearFault(InetSocketAddress peer) {
        faults.remove(requireNonNull(peer, "peer is null"));
    }

    /** Stops listening, closes every connection (their requests fail) and, if it owns them, stops its event loops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Peer peer : peers.values()) {
            for (RpcConnection connection : peer.connections) {
                closing.add(connection.close());
            }
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        accepted.close().awaitUninterruptibly();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Closing the RPC connections took too long", e);
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static LengthFieldBasedFrameDecoder frameDecoder() {
        // Whole frames, length field included; failFast refuses an oversized frame as soon as its length is read.
        return new LengthFieldBasedFrameDecoder(RpcCodec.MAX_FRAME_BYTES, 0, 4, 0, 0, true);
    }

    /** One peer: a connection per event loop, opened on first use. */
    private final class Peer implements RpcTransport {
        private final RpcConnection[] connections;

        Peer(InetSocketAddress address) {
            connections = new RpcConnection[loops.size()];
            for (int i = 0; i < connections.length; i++) {
                connections[i] = new RpcConnection(loops.get(i), bootstrap, address, () -> faults.get(address));
            }
        }

        @Override
        public CompletableFuture<byte[]> call(byte[] requestFrame) {
            requireNonNull(requestFrame, "requestFrame is null");
            if (requestFrame.length > RpcCodec.MAX_FRAME_BYTES || requestFrame.length < RpcCodec.HEADER_BYTES) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("not a frame this transport sends: "
                        + requestFrame.length + " bytes"));
            }
            return connections[slot()].send(requestFrame);
        }

        private int slot() {
            for (int i = 0; i < connections.length; i++) {
                if (loops.get(i).inEventLoop()) {
                    return i;
                }
            }
            return (int) (Thread.currentThread().getId() % connections.length);
        }
    }

    /** Serves request frames arriving on an accepted connection; answers go back on it in completion order. */
    private static final class RequestHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final RpcHandler handler;

        RequestHandler(RpcHandler handler) {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            CompletableFuture<byte[]> answer;
            try {
                answer = handler.serve(bytes);
            } catch (IllegalStateException e) {
                LOG.warn("Closing an RPC connection from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
                ctx.close();
                return;
            }
            answer.whenComplete((response, failure) -> {
                if (failure != null) {
                    LOG.error("An RPC handler failed without an answer; closing the connection", failure);
                    ctx.close();
                } else {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(response));
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("Closing an RPC connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
