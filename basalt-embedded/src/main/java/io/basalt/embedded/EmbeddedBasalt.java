package io.basalt.embedded;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.GlobalIndexPropagation;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.TableChangedException;
import io.basalt.cluster.TableMetadata;
import io.basalt.server.BasaltServer;
import io.basalt.server.ServerConfig;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Basalt server running in this process on a free loopback port, over memory or RocksDB. Close it to stop the
 * server and free its threads (all daemon threads, none left after {@link #close()}).
 *
 * <pre>{@code
 * try (EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().start()) {
 *     basalt.createTables(Path.of("src/test/resources/tables.json"));
 *     DynamoDbClient client = DynamoDbClient.builder().endpointOverride(basalt.endpoint())...build();
 * }
 * }</pre>
 *
 * <p>Thread-safe. Clients may use any credentials; {@link #region()} is the region they should name.
 */
public final class EmbeddedBasalt implements AutoCloseable {
    /** Table names per page when listing them for {@link #reset()}. */
    private static final int TABLE_PAGE = 100;

    private final BasaltNode node;
    private final BasaltServer server;
    private final URI endpoint;
    private final WireClient wire;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedBasalt(StorageEngine storage, NodeConfig config) {
        this.node = BasaltNode.open(storage, config);
        try {
            this.server = BasaltServer.start(node, ServerConfig.of("127.0.0.1", 0));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        this.endpoint = URI.create("http://127.0.0.1:" + server.port());
        this.wire = new WireClient(endpoint, config.region());
    }

    /** Settings for a server that keeps everything in memory (nothing survives {@link #close()}). */
    public static Builder inMemory() {
        return new Builder(Optional.empty());
    }

    /**
     * Settings for a server over RocksDB in {@code directory}, which may hold an earlier server's data. Needs
     * {@code org.rocksdb:rocksdbjni} on the class path.
     */
    public static Builder onDisk(Path directory) {
        return new Builder(Optional.of(requireNonNull(directory, "directory is null")));
    }

    /** The server's HTTP endpoint, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return server.port();
    }

    /** The region clients should name; ARNs carry it. */
    public String region() {
        return node.config().region();
    }

    /** An access key id for clients (any is accepted). */
    public String accessKeyId() {
        return WireClient.ACCESS_KEY_ID;
    }

    /** The secret access key that goes with {@link #accessKeyId()}. */
    public String secretAccessKey() {
        return WireClient.SECRET_ACCESS_KEY;
    }

    /**
     * Deletes every table with its items and indexes (deletion protection notwithstanding), and puts the test
     * controls back to their defaults: the server is as if just started. Takes milliseconds in memory.
     */
    public void reset() {
        requireOpen();
        List<String> names = node.listTableNames(null, TABLE_PAGE);
        while (!names.isEmpty()) {
            for (String name : names) {
                deleteTable(name);
            }
            names = node.listTableNames(null, TABLE_PAGE);
        }
        node.setGlobalIndexPropagation(GlobalIndexPropagation.ASYNCHRONOUS);
        node.setTransactionCommitDelay(Duration.ZERO);
    }

    /** Deletes a table whatever its state, retrying when it changes meanwhile (an index finishing its backfill). */
    private void deleteTable(String name) {
        while (true) {
            TableMetadata table = node.tryGetTable(name).orElse(null);
            if (table == null) {
                return;
            }
            try {
                node.deleteTable(table);
                return;
            } catch (TableChangedException changed) {
                // Read it again.
            }
        }
    }

    /**
     * Sends one DynamoDB request, e.g. {@code call("CreateTable", json)}, in DynamoDB's JSON wire format; returns the
     * response's JSON.
     *
     * @throws EmbeddedBasaltException the DynamoDB error the server answered
     */
    public String call(String operation, String requestJson) {
        requireOpen();
        return wire.call(operation, requestJson);
    }

    /**
     * Creates the tables described in {@code file}: one CreateTable request in DynamoDB JSON (the form of
     * {@code aws dynamodb create-table --cli-input-json}), or an array of them.
     */
    public void createTables(Path file) {
        String json;
        try {
            json = Files.readString(requireNonNull(file, "file is null"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        for (String request : JsonDocuments.split(json)) {
            call("CreateTable", request);
        }
    }

    /**
     * Makes writes return only once their global secondary index entries are written (true), or lets indexes lag
     * as DynamoDB's do (false, the default).
     */
    public void setGlobalIndexesSynchronous(boolean synchronous) {
        requireOpen();
        node.setGlobalIndexPropagation(synchronous ? GlobalIndexPropagation.SYNCHRONOUS
                : GlobalIndexPropagation.ASYNCHRONOUS);
    }

    /** Holds every change back from the global secondary indexes for at least {@code delay} after its write. */
    public void setGlobalIndexDelay(Duration delay) {
        requireOpen();
        node.setGlobalIndexPropagation(GlobalIndexPropagation.delayed(requireNonNull(delay, "delay is null")));
    }

    /**
     * Holds each transaction's items for {@code delay} between its prepare and its commit, so that writes racing it
     * get DynamoDB's TransactionConflict errors; zero turns it off and releases the held transactions.
     */
    public void setTransactionCommitDelay(Duration delay) {
        requireOpen();
        node.setTransactionCommitDelay(requireNonNull(delay, "delay is null"));
    }

    /**
     * How many transactions {@link #setTransactionCommitDelay} holds now (prepared, not yet decided): a test waits
     * for one to be held before racing it.
     */
    public int heldTransactions() {
        requireOpen();
        return node.heldTransactions();
    }

    /**
     * Whether the server uses Netty's native epoll transport (Linux) rather than NIO. False on a platform without
     * it; on Linux, false means the relocated native library did not load.
     */
    public boolean nativeTransport() {
        return Epoll.isAvailable();
    }

    /** Why the native transport is not in use, if it is not. */
    public Optional<Throwable> nativeTransportUnavailability() {
        return Optional.ofNullable(Epoll.unavailabilityCause());
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Stops the server, then the node; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.close();
            } finally {
                node.close();
            }
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("This Basalt server is closed");
        }
    }

    /** How to start a server: its storage and its clock. Immutable. */
    public static final class Builder {
        private final Optional<Path> directory;
        private final Clock clock;

        private Builder(Optional<Path> directory) {
            this(directory, Clock.systemUTC());
        }

        private Builder(Optional<Path> directory, Clock clock) {
            this.directory = directory;
            this.clock = clock;
        }

        /** The clock for timestamps and table lifecycles (a test can pass one it controls). */
        public Builder clock(Clock newClock) {
            return new Builder(directory, requireNonNull(newClock, "clock is null"));
        }

        public Optional<Path> directory() {
            return directory;
        }

        public Clock clock() {
            return clock;
        }

        /** Starts a server; returns once it accepts connections. */
        public EmbeddedBasalt start() {
            StorageEngine storage = directory.isPresent() ? OnDiskStorage.open(directory.get())
                    : new InMemoryStorageEngine();
            return new EmbeddedBasalt(storage, NodeConfig.defaults().withClock(clock));
        }
    }
}
