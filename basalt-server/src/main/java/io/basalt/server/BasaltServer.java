package io.basalt.server;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.Admission;
import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.server.operations.DynamoDbOperations;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server in front of a {@link BasaltNode}. Uses epoll where available (Linux), NIO elsewhere.
 * {@link #close()} stops accepting connections and lets in-flight requests finish; it does not close the node.
 */
public final class BasaltServer implements AutoCloseable {
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private final EventLoopGroup group;
    private final boolean epoll;
    private final ExecutorService workers;
    private final Channel serverChannel;
    private final Admission admission;

    private BasaltServer(EventLoopGroup group, boolean epoll, ExecutorService workers, Channel serverChannel,
            Admission admission) {
        this.group = group;
        this.epoll = epoll;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.admission = admission;
    }

    /** Binds and starts serving; returns once the port is open. */
    public static BasaltServer start(BasaltNode node, ServerConfig config) {
        requireNonNull(node, "node is null");
        requireNonNull(config, "config is null");
        if (System.getProperty(LEAK_DETECTION) == null) {
            // Netty's default samples one buffer in 128 with a stack trace: 1 % of a GetItem's CPU. The tests turn
            // it back on (surefire sets the property).
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("basalt-network", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ExecutorService workers = newWorkerPool();
        OperationRegistry operations = new OperationRegistry();
        DynamoDbOperations.create(node).forEach((name, operation) ->
                operations.register(OperationRegistry.DYNAMODB, name, operation));
        Admission admission = new Admission(config.maxInFlightRequests(), config.maxInFlightBytes());
        RequestHandler handler = new RequestHandler(operations, admission, new AdminEndpoints(node), workers,
                node.config().region(), node.config().accountId(), config.maxRequestBytes(), node.isClusterNode());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("plain-text", PlainTextGuard.INSTANCE)
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregate", new SizeLimitedAggregator(config.maxRequestBytes()))
                                .addLast("dynamodb", handler);
                    }
                });
        try {
            Channel channel = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
            return new BasaltServer(group, epoll, workers, channel, admission);
        } catch (Exception e) {
            // Not only RuntimeException: Netty rethrows the bind failure (a port in use) as the checked IOException
            // it is, undeclared.
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownNow();
            throw e;
        }
    }

    private static ExecutorService newWorkerPool() {
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "basalt-request-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** The bound port (useful when the configured port was 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * The server's event loops and the channel classes of their I/O handler, for the node's internal RPC
     * ({@code NettyRpcTransport.start(address, handler, server.eventLoops())}): the RPC runs on the loops the HTTP
     * server already has, adding no thread (docs/design/cluster.md §12.1). Close the transport before the server.
     */
    public NettyRpcTransport.EventLoops eventLoops() {
        return epoll ? new NettyRpcTransport.EventLoops(group, EpollSocketChannel.class, EpollServerSocketChannel.class)
                : new NettyRpcTransport.EventLoops(group, NioSocketChannel.class, NioServerSocketChannel.class);
    }

    /** The admission stage's counters, which tests read to check that every permit comes back. */
    Admission admission() {
        return admission;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
