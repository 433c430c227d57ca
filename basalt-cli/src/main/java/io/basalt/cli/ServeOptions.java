package io.basalt.cli;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.GlobalIndexPropagation;
import io.basalt.cluster.node.PlacementConfig;
import io.basalt.cluster.routing.RoutingConfig;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.model.Limits;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftTransport;
import io.basalt.server.ServerConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code basalt serve} was asked for.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param dataDirectory where RocksDB keeps the data (unused in memory)
 * @param inMemory keep everything in memory; nothing survives a restart
 * @param indexPropagation how global secondary indexes follow writes
 * @param maxInFlightRequests requests admitted at once before ServiceUnavailableException
 * @param maxInFlightBytes request body bytes admitted at once before ServiceUnavailableException
 * @param loopbackRpc a test mode: every partition call goes through the internal RPC's codecs in-process
 * @param transactionResolveAfter how old a prepared transaction must be before its partition settles it from the
 *     ledger without its coordinator (docs/design/cluster.md §14)
 * @param join a cluster node's API endpoint (HOST:PORT) to join through when the data directory has no
 *     {@code node.json}; null when not joining (docs/design/cluster.md §13.1)
 * @param nodeDownTimeout how long a cluster node may be DOWN before its group members are re-created on the others
 * @param routingDeadline cluster nodes: how long a call may keep meeting safe failures inside the cluster before
 *     its client gets ServiceUnavailableException (docs/design/cluster.md §12.3)
 * @param rpcMaxInFlightRequests cluster nodes: internal RPC frames admitted at once (§12.2, §17)
 * @param rpcMaxInFlightBytes cluster nodes: internal RPC frame bytes admitted at once
 * @param raftTransport cluster nodes: Ratis' transport between the nodes ({@code --raft-transport grpc|netty}); empty
 *     when not given. Every node of a cluster must use the same (docs/design/cluster.md §18), so a node's {@code
 *     node.json} records it and decides it ({@link io.basalt.cluster.node.NodeIdentity#transportFor}): the option
 *     only chooses it for a cluster being created, and must otherwise name the recorded one
 */
record ServeOptions(String host, int port, Path dataDirectory, boolean inMemory,
        GlobalIndexPropagation indexPropagation, int maxInFlightRequests, long maxInFlightBytes,
        boolean loopbackRpc, Duration transactionResolveAfter, String join, Duration nodeDownTimeout,
        Duration routingDeadline, int rpcMaxInFlightRequests, long rpcMaxInFlightBytes,
        Optional<RaftTransport> raftTransport) {
    /**
     * The shortest and longest {@code --routing-deadline}: below 100 ms a call cannot wait out even a read barrier's
     * heartbeat round on a loaded machine; above 30 s the AWS SDK for Java v2 (whose default socket read timeout is
     * 30 s) gives up before the node answers, and a client learns nothing from the node's 503.
     */
    static final Duration MIN_ROUTING_DEADLINE = Duration.ofMillis(100);
    static final Duration MAX_ROUTING_DEADLINE = Duration.ofSeconds(30);
    static final Duration DEFAULT_TRANSACTION_RESOLVE_AFTER = Duration.ofSeconds(5);
    static final Path DEFAULT_DATA_DIRECTORY = Path.of("data");
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--host", "--port", "--data-dir",
            "--gsi-propagation", "--gsi-delay-ms", "--max-inflight-requests", "--max-inflight-bytes",
            "--transaction-resolve-after", "--join", "--node-down-timeout", "--routing-deadline",
            "--max-inflight-rpc-requests", "--max-inflight-rpc-bytes", "--raft-transport");

    ServeOptions {
        requireNonNull(host, "host is null");
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(indexPropagation, "indexPropagation is null");
        requireNonNull(transactionResolveAfter, "transactionResolveAfter is null");
        requireNonNull(nodeDownTimeout, "nodeDownTimeout is null");
        requireNonNull(routingDeadline, "routingDeadline is null");
        requireNonNull(raftTransport, "raftTransport is null");
    }

    /** The options without the cluster node's routing deadline, RPC admission limits (defaults) and transport. */
    ServeOptions(String host, int port, Path dataDirectory, boolean inMemory, GlobalIndexPropagation indexPropagation,
            int maxInFlightRequests, long maxInFlightBytes, boolean loopbackRpc, Duration transactionResolveAfter,
            String join, Duration nodeDownTimeout) {
        this(host, port, dataDirectory, inMemory, indexPropagation, maxInFlightRequests, maxInFlightBytes,
                loopbackRpc, transactionResolveAfter, join, nodeDownTimeout, RoutingConfig.DEFAULT_ROUTING_DEADLINE,
                ServerConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS, ServerConfig.DEFAULT_MAX_IN_FLIGHT_BYTES,
                Optional.empty());
    }

    /** The options without {@code --join} and {@code --node-down-timeout} (their defaults). */
    ServeOptions(String host, int port, Path dataDirectory, boolean inMemory, GlobalIndexPropagation indexPropagation,
            int maxInFlightRequests, long maxInFlightBytes, boolean loopbackRpc, Duration transactionResolveAfter) {
        this(host, port, dataDirectory, inMemory, indexPropagation, maxInFlightRequests, maxInFlightBytes,
                loopbackRpc, transactionResolveAfter, null, PlacementConfig.DEFAULT_NODE_DOWN_TIMEOUT);
    }

    /** The options of {@code basalt serve} without {@code --transaction-resolve-after} (its default). */
    ServeOptions(String host, int port, Path dataDirectory, boolean inMemory, GlobalIndexPropagation indexPropagation,
            int maxInFlightRequests, long maxInFlightBytes, boolean loopbackRpc) {
        this(host, port, dataDirectory, inMemory, indexPropagation, maxInFlightRequests, maxInFlightBytes,
                loopbackRpc, DEFAULT_TRANSACTION_RESOLVE_AFTER);
    }

    /** The HTTP server's settings these options ask for. */
    ServerConfig serverConfig() {
        return ServerConfig.of(host, port).withAdmission(maxInFlightRequests, maxInFlightBytes)
                .withRpcAdmission(rpcMaxInFlightRequests, rpcMaxInFlightBytes);
    }

    /** A cluster node's routing settings these options ask for. */
    RoutingConfig routingConfig() {
        return RoutingConfig.defaults().withRoutingDeadline(routingDeadline);
    }

    /**
     * A cluster node's Ratis settings: the defaults, with the read barrier's timeout ({@code raft.server.read.timeout})
     * set to the routing deadline, so a strong read that cannot get its ReadIndex gives up when the Router would give
     * up on the call rather than keep a Ratis read pending past it (docs/design/cluster.md §18); over {@code
     * transport}, the one the node's {@code node.json} decides.
     */
    RaftConfig raftConfig(RaftTransport transport) {
        return RaftConfig.defaults().withReadTimeout(routingDeadline).withTransport(transport);
    }

    /**
     * Reads the arguments that follow {@code serve}; an option's value comes either attached ({@code --port=8001})
     * or as the next argument ({@code --port 8001}).
     *
     * @throws UsageException naming the first argument that cannot be used
     */
    static ServeOptions parse(List<String> arguments) {
        String host = ServerConfig.DEFAULT_HOST;
        int port = ServerConfig.DEFAULT_PORT;
        Path dataDirectory = DEFAULT_DATA_DIRECTORY;
        boolean inMemory = false;
        boolean loopbackRpc = false;
        boolean synchronous = false;
        long delayMillis = 0;
        int maxInFlightRequests = ServerConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS;
        long maxInFlightBytes = ServerConfig.DEFAULT_MAX_IN_FLIGHT_BYTES;
        Duration resolveAfter = DEFAULT_TRANSACTION_RESOLVE_AFTER;
        String join = null;
        Duration nodeDownTimeout = PlacementConfig.DEFAULT_NODE_DOWN_TIMEOUT;
        Duration routingDeadline = RoutingConfig.DEFAULT_ROUTING_DEADLINE;
        int rpcMaxInFlightRequests = ServerConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS;
        long rpcMaxInFlightBytes = ServerConfig.DEFAULT_MAX_IN_FLIGHT_BYTES;
        Optional<RaftTransport> raftTransport = Optional.empty();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            int equals = argument.startsWith("--") ? argument.indexOf('=') : -1;
            String name = equals < 0 ? argument : argument.substring(0, equals);
            if (name.equals("--in-memory") && equals < 0) {
                inMemory = true;
                continue;
            }
            if (name.equals("--loopback-rpc") && equals < 0) {
                loopbackRpc = true;
                continue;
            }
            if (!OPTIONS_WITH_VALUE.contains(name)) {
                throw new UsageException(name.equals("--in-memory") || name.equals("--loopback-rpc")
                        ? "Option '" + name + "' takes no value: '" + argument + "'"
                        : "Unknown option: '" + argument + "'");
            }
            String value;
            if (equals >= 0) {
                value = argument.substring(equals + 1);
            } else if (i + 1 < arguments.size()) {
                value = arguments.get(++i);
            } else {
                throw new UsageException("Missing required parameter for option '" + name + "'");
            }
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = port(value);
                case "--gsi-propagation" -> synchronous = synchronous(value);
                case "--gsi-delay-ms" -> delayMillis = delayMillis(value);
                case "--max-inflight-requests" -> maxInFlightRequests = maxInFlightRequests(name, value);
                case "--max-inflight-bytes" -> maxInFlightBytes = maxInFlightBytes(value);
                case "--max-inflight-rpc-requests" -> rpcMaxInFlightRequests = maxInFlightRequests(name, value);
                case "--max-inflight-rpc-bytes" -> rpcMaxInFlightBytes = rpcMaxInFlightBytes(value);
                case "--routing-deadline" -> routingDeadline = routingDeadline(value);
                case "--transaction-resolve-after" -> resolveAfter = resolveAfter(value);
                case "--join" -> join = join(value);
                case "--node-down-timeout" -> nodeDownTimeout = nodeDownTimeout(value);
                case "--raft-transport" -> raftTransport = Optional.of(raftTransport(value));
                default -> dataDirectory = dataDirectory(value);
            }
        }
        if (synchronous && delayMillis > 0) {
            throw new UsageException("Option '--gsi-delay-ms' needs '--gsi-propagation=async'");
        }
        return new ServeOptions(host, port, dataDirectory, inMemory, synchronous ? GlobalIndexPropagation.SYNCHRONOUS
                : GlobalIndexPropagation.delayed(Duration.ofMillis(delayMillis)), maxInFlightRequests,
                maxInFlightBytes, loopbackRpc, resolveAfter, join, nodeDownTimeout, routingDeadline,
                rpcMaxInFlightRequests, rpcMaxInFlightBytes, raftTransport);
    }

    /** {@code grpc} or {@code netty}, in any case. */
    static RaftTransport raftTransport(String value) {
        try {
            return RaftTransport.fromFlag(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("Invalid value for option '--raft-transport': '" + value
                    + "' (expected grpc or netty)");
        }
    }

    private static String join(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || !value.substring(colon + 1).matches("[0-9]{1,5}")) {
            throw new UsageException("Invalid value for option '--join': '" + value
                    + "' is not a node's API endpoint such as 127.0.0.1:8000");
        }
        return value;
    }

    /** A duration in milliseconds, seconds, minutes or hours ({@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h}). */
    static Duration nodeDownTimeout(String value) {
        try {
            Duration duration = value.endsWith("ms") ? Duration.ofMillis(Long.parseLong(value.substring(0,
                    value.length() - 2)))
                    : value.endsWith("s") ? Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)))
                    : value.endsWith("m") ? Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)))
                    : value.endsWith("h") ? Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)))
                    : null;
            if (duration != null && !duration.isNegative()) {
                return duration;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // Reported below.
        }
        throw new UsageException("Invalid value for option '--node-down-timeout': '" + value
                + "' is not a duration such as 10m, 30s or 500ms");
    }

    /** A duration in milliseconds ({@code 250ms}) or seconds ({@code 5s}); at least 1 ms. */
    private static Duration resolveAfter(String value) {
        try {
            Duration duration = value.endsWith("ms") ? Duration.ofMillis(Long.parseLong(value.substring(0,
                    value.length() - 2))) : value.endsWith("s") ? Duration.ofSeconds(Long.parseLong(value.substring(0,
                    value.length() - 1))) : null;
            if (duration != null && duration.toMillis() >= 1) {
                return duration;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // Reported below.
        }
        throw new UsageException("Invalid value for option '--transaction-resolve-after': '" + value
                + "' is not a duration such as 5s or 500ms");
    }

    /** A duration in milliseconds or seconds within {@link #MIN_ROUTING_DEADLINE}..{@link #MAX_ROUTING_DEADLINE}. */
    private static Duration routingDeadline(String value) {
        try {
            Duration duration = value.endsWith("ms") ? Duration.ofMillis(Long.parseLong(value.substring(0,
                    value.length() - 2))) : value.endsWith("s") ? Duration.ofSeconds(Long.parseLong(value.substring(0,
                    value.length() - 1))) : null;
            if (duration != null && duration.compareTo(MIN_ROUTING_DEADLINE) >= 0
                    && duration.compareTo(MAX_ROUTING_DEADLINE) <= 0) {
                return duration;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // Reported below.
        }
        throw new UsageException("Invalid value for option '--routing-deadline': '" + value
                + "' is not a duration from 100ms to 30s such as 5s or 500ms");
    }

    /**
     * Frame bytes, as {@link #maxInFlightBytes} reads them; at least the largest frame the RPC transport accepts
     * (64 MiB), which must always be admissible.
     */
    private static long rpcMaxInFlightBytes(String value) {
        long bytes = byteCount(value);
        if (bytes < RpcCodec.MAX_FRAME_BYTES) {
            throw new UsageException("Invalid value for option '--max-inflight-rpc-bytes': '" + value
                    + "' is not a number of bytes of at least 64MiB");
        }
        return bytes;
    }

    private static int maxInFlightRequests(String name, String value) {
        try {
            int requests = Integer.parseInt(value);
            if (requests > 0) {
                return requests;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new UsageException("Invalid value for option '" + name + "': '" + value
                + "' is not a positive number");
    }

    /**
     * A byte count, plain or with a binary unit ({@code 268435456}, {@code 256MiB}, {@code 1GiB}); at least the
     * largest request (16 MiB), which must always be admissible.
     */
    private static long maxInFlightBytes(String value) {
        long bytes = byteCount(value);
        if (bytes >= Limits.MAX_REQUEST_BYTES) {
            return bytes;
        }
        throw new UsageException("Invalid value for option '--max-inflight-bytes': '" + value
                + "' is not a number of bytes of at least 16MiB");
    }

    /** A byte count, plain or with a binary unit; -1 when it is none. */
    private static long byteCount(String value) {
        long unit = value.endsWith("KiB") ? 1024L : value.endsWith("MiB") ? 1024L * 1024
                : value.endsWith("GiB") ? 1024L * 1024 * 1024 : 1;
        String digits = unit == 1 ? value : value.substring(0, value.length() - 3);
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    private static boolean synchronous(String value) {
        return switch (value) {
            case "sync" -> true;
            case "async" -> false;
            default -> throw new UsageException("Invalid value for option '--gsi-propagation': '" + value
                    + "' is not sync or async");
        };
    }

    private static long delayMillis(String value) {
        try {
            long delay = Long.parseLong(value);
            if (delay >= 0) {
                return delay;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new UsageException("Invalid value for option '--gsi-delay-ms': '" + value
                + "' is not a number of milliseconds");
    }

    private static Path dataDirectory(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException("Invalid value for option '--data-dir': '" + value + "' is not a path");
        }
    }

    private static int port(String value) {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("Invalid value for option '--port': '" + value + "' is not an int");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("Invalid value for option '--port': " + port + " is not in 0..65535");
        }
        return port;
    }

    /** A command line that cannot be used; the message says why, in the words shown to the user. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
