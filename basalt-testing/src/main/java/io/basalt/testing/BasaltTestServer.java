package io.basalt.testing;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.NodeConfig;
import io.basalt.server.BasaltServer;
import io.basalt.server.ServerConfig;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.net.URI;
import java.nio.file.Path;

/**
 * A Basalt node and HTTP server running in this process on a free loopback port. Close it to stop both.
 *
 * <pre>{@code
 * try (BasaltTestServer server = BasaltTestServer.inMemory()) {
 *     DynamoDbClient client = TestClients.dynamoDb(server.endpoint());
 *     ...
 * }
 * }</pre>
 */
public final class BasaltTestServer implements AutoCloseable {
    /** The default server settings on a free loopback port. */
    public static final ServerConfig LOOPBACK = ServerConfig.of("127.0.0.1", 0);
    /**
     * The system property that runs every server these tests start in the loopback RPC mode ({@code
     * -Dbasalt.loopbackRpc=true}): each partition call goes through the internal RPC's codecs (docs/design/
     * cluster.md §20 step 10), so a suite run this way checks the codecs against everything it asserts.
     */
    public static final String LOOPBACK_RPC_PROPERTY = "basalt.loopbackRpc";
    /**
     * The system property that sends every partition call of the servers these tests start through the Router and
     * over TCP ({@code -Dbasalt.tcpRpc=true}; cluster.md §20 step 12, {@link TcpRpcLoopback}).
     */
    public static final String TCP_RPC_PROPERTY = "basalt.tcpRpc";

    private final BasaltNode node;
    private final BasaltServer server;
    private final TcpRpcLoopback tcp;

    private BasaltTestServer(StorageEngine storage, NodeConfig config, ServerConfig serverConfig) {
        requireNonNull(serverConfig, "serverConfig is null");
        NodeConfig effective = Boolean.getBoolean(LOOPBACK_RPC_PROPERTY) ? config.withLoopbackRpc(true) : config;
        this.tcp = Boolean.getBoolean(TCP_RPC_PROPERTY) ? new TcpRpcLoopback() : null;
        BasaltServer started;
        try {
            this.node = tcp == null ? BasaltNode.open(storage, effective) : BasaltNode.open(storage, effective, tcp);
            if (tcp != null) {
                tcp.attach(node);
            }
        } catch (RuntimeException e) {
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
        try {
            started = BasaltServer.start(node, serverConfig);
        } catch (RuntimeException e) {
            node.close();
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
        this.server = started;
    }

    /** A server over the in-memory engine with default settings. */
    public static BasaltTestServer inMemory() {
        return new BasaltTestServer(new InMemoryStorageEngine(), NodeConfig.defaults(), LOOPBACK);
    }

    /** A server over RocksDB in {@code directory}, which may already hold data from an earlier server. */
    public static BasaltTestServer onDisk(Path directory) {
        return new BasaltTestServer(RocksDbStorageEngine.open(requireNonNull(directory, "directory is null")),
                NodeConfig.defaults(), LOOPBACK);
    }

    /** A server over the given engine and configuration. */
    public static BasaltTestServer start(StorageEngine storage, NodeConfig config) {
        return new BasaltTestServer(storage, config, LOOPBACK);
    }

    /**
     * A server over the given engine and configurations; {@code serverConfig} should bind 127.0.0.1 port 0
     * ({@link #LOOPBACK} with other limits, e.g. {@code LOOPBACK.withAdmission(1, ...)}).
     */
    public static BasaltTestServer start(StorageEngine storage, NodeConfig config, ServerConfig serverConfig) {
        return new BasaltTestServer(storage, config, serverConfig);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public int port() {
        return server.port();
    }

    public BasaltNode node() {
        return node;
    }

    /** How many partition calls crossed TCP in the {@link #TCP_RPC_PROPERTY} mode (0 when it is off). */
    public long tcpFramesServed() {
        return tcp == null ? 0 : tcp.framesServed();
    }

    @Override
    public void close() {
        server.close();
        node.close();
        if (tcp != null) {
            tcp.close();
        }
    }
}
