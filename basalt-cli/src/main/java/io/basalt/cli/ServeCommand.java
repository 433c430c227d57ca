package io.basalt.cli;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.UnsupportedStorageFormatException;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.server.BasaltServer;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageException;
import io.basalt.storage.StorageInUseException;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;

/**
 * {@code basalt serve}: one node on RocksDB (or in memory) behind the HTTP server, until SIGTERM or SIGINT, which
 * stop accepting requests, make every accepted write durable and close the storage.
 */
final class ServeCommand {
    static final String USAGE = """
            Usage: basalt serve [-hV] [--in-memory] [--data-dir=<dataDirectory>] [--host=<host>] [--port=<port>]
                                [--gsi-propagation=<sync|async>] [--gsi-delay-ms=<ms>]
                                [--max-inflight-requests=<n>] [--max-inflight-bytes=<bytes>]
                                [--loopback-rpc] [--transaction-resolve-after=<duration>]
                                [--join=<host:port>] [--node-down-timeout=<duration>]
                                [--routing-deadline=<duration>] [--max-inflight-rpc-requests=<n>]
                                [--max-inflight-rpc-bytes=<bytes>] [--raft-transport=<grpc|netty>]
            Serve the DynamoDB API.
                  --data-dir=<dataDirectory>
                                  Directory of the RocksDB data (default: ./data). A node
                                  directory of `basalt cluster` (holding node.json) starts
                                  that cluster node; its node.json then decides the ports.
                  --gsi-delay-ms=<ms>
                                  Apply writes to global secondary indexes no sooner than this
                                  after the write (default: 0), to test code against index lag.
                  --gsi-propagation=<sync|async>
                                  async (default): global secondary indexes follow writes in the
                                  background, as in DynamoDB; sync: a write returns only once its
                                  index entries are written (no lag).
              -h, --help          Show this help message and exit.
                  --host=<host>   Address to listen on (default: 127.0.0.1).
                  --join=<host:port>
                                  Join the running cluster of the node whose DynamoDB API is
                                  at host:port: a data directory without node.json becomes a
                                  new node of it (--port is its API port; 0 finds one).
                  --in-memory     Keep everything in memory; nothing survives a restart.
                  --loopback-rpc  Test mode: send every partition call through the internal RPC's
                                  encoding, in-process (slower; for testing the codecs).
                  --max-inflight-bytes=<bytes>
                                  Request bytes admitted at once, e.g. 512MiB (default: 256MiB);
                                  more gets ServiceUnavailableException, which SDKs retry.
                  --max-inflight-requests=<n>
                                  Requests admitted at once (default: 4096); more gets
                                  ServiceUnavailableException, which SDKs retry.
                  --max-inflight-rpc-bytes=<bytes>
                                  Cluster nodes: internal RPC frame bytes admitted at once,
                                  at least 64MiB (default: 256MiB); more is refused and the
                                  sending node retries.
                  --max-inflight-rpc-requests=<n>
                                  Cluster nodes: internal RPC frames admitted at once
                                  (default: 4096); more are refused and the sending node
                                  retries.
                  --node-down-timeout=<duration>
                                  Cluster nodes: how long a node may be down before its
                                  replicas are re-created on the others, e.g. 30s
                                  (default: 10m).
                  --port=<port>   Port to listen on (default: 8000).
                  --raft-transport=<grpc|netty>
                                  Cluster nodes: Ratis' transport between the nodes. Every node
                                  of a cluster uses the same: node.json records it when the
                                  cluster is created (default: netty) or the node joins (the
                                  cluster's), and later starts use it; another is refused.
                  --routing-deadline=<duration>
                                  Cluster nodes: how long a request may wait inside the
                                  cluster for a partition's leader (elections, moves) before
                                  it gets ServiceUnavailableException, from 100ms to 30s
                                  (default: 5s).
                  --transaction-resolve-after=<duration>
                                  How old a prepared transaction must be before its partitions
                                  settle it from the ledger without its coordinator, e.g. 500ms
                                  (default: 5s).
              -V, --version       Print version information and exit.
            """;

    private ServeCommand() {
    }

    /** Serves until the process is asked to stop; returns the exit status. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("-h") || args.contains("--help")) {
            out.print(USAGE);
            return 0;
        }
        if (args.contains("-V") || args.contains("--version")) {
            out.println(BasaltCommand.versionLine());
            return 0;
        }
        ServeOptions options;
        try {
            options = ServeOptions.parse(args);
        } catch (ServeOptions.UsageException e) {
            return BasaltCommand.usageError(e.getMessage(), USAGE, err);
        }
        return serve(options, out, err);
    }

    private static int serve(ServeOptions options, PrintStream out, PrintStream err) {
        if (!options.inMemory() && NodeIdentityFile.exists(options.dataDirectory())) {
            // A node directory of `basalt cluster` (docs/design/cluster.md §13.1): node.json decides the ports. A
            // joined node restarted with its --join still on the command line is simply restarted.
            return ClusterServe.serve(options, out, err);
        }
        if (options.join() != null) {
            if (options.inMemory()) {
                return BasaltCommand.usageError("Option '--join' needs a data directory, not '--in-memory'", USAGE,
                        err);
            }
            try {
                NodeIdentity joined = ClusterJoin.join(options.join(), options.host(), options.port(),
                        options.raftTransport(), options.dataDirectory());
                out.println("Joined the cluster of " + options.join() + " as node " + joined.nodeId());
            } catch (ClusterJoin.JoinException e) {
                err.println("basalt: cannot join the cluster of " + options.join() + ": " + e.getMessage());
                return 1;
            }
            return ClusterServe.serve(options, out, err);
        }
        StorageEngine storage;
        try {
            storage = options.inMemory() ? new InMemoryStorageEngine()
                    : RocksDbStorageEngine.open(options.dataDirectory());
        } catch (StorageInUseException e) {
            // A second `basalt serve` on the same directory is a common slip; say what it is, not RocksDB's trace.
            OptionalLong holder = LockHolder.pid(e.lockFile());
            err.println("basalt: the data directory " + options.dataDirectory().toAbsolutePath()
                    + " is in use by another Basalt process" + (holder.isPresent() ? " (pid " + holder.getAsLong()
                            + ")" : "") + "; stop it, or choose another directory with --data-dir");
            return 1;
        } catch (StorageException e) {
            err.println("basalt: cannot open the data directory " + options.dataDirectory().toAbsolutePath() + ": "
                    + e.getMessage());
            return 1;
        }
        BasaltNode node;
        try {
            node = BasaltNode.open(storage,
                    NodeConfig.defaults().withGlobalIndexPropagation(options.indexPropagation())
                            .withLoopbackRpc(options.loopbackRpc())
                            .withTransactionResolveAfter(options.transactionResolveAfter()));
        } catch (UnsupportedStorageFormatException e) {
            storage.close();
            err.println("basalt: cannot open the data directory " + options.dataDirectory().toAbsolutePath() + ": "
                    + e.getMessage());
            return 1;
        }
        BasaltServer server;
        try {
            server = BasaltServer.start(node, options.serverConfig());
        } catch (Exception e) {
            // Netty reports a port in use as an undeclared IOException.
            node.close();
            err.println("basalt: cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            node.close();
            stopped.countDown();
        }, "basalt-shutdown"));
        out.println("Basalt " + BasaltCommand.version() + " serving DynamoDB on http://" + options.host() + ":"
                + server.port() + (options.inMemory() ? " (in memory)"
                        : " (data in " + options.dataDirectory().toAbsolutePath() + ")")
                + ", started in " + StartTime.millisSinceLaunch() + " ms");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
