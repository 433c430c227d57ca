package io.basalt.cli;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.NodeConfig;
import io.basalt.server.BasaltServer;
import io.basalt.server.ServerConfig;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code basalt serve}: one node on RocksDB (or in memory) behind the HTTP server, until SIGTERM or SIGINT, which
 * stop accepting requests, make every accepted write durable and close the storage.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = BasaltCommand.Version.class,
        description = "Serve the DynamoDB API.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "8000", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--data-dir", defaultValue = "data",
            description = "Directory of the RocksDB data (default: ./${DEFAULT-VALUE}).")
    private Path dataDirectory;

    @Option(names = "--in-memory", description = "Keep everything in memory; nothing survives a restart.")
    private boolean inMemory;

    @Override
    public Integer call() {
        StorageEngine storage = inMemory ? new InMemoryStorageEngine() : RocksDbStorageEngine.open(dataDirectory);
        BasaltNode node = BasaltNode.open(storage, NodeConfig.defaults());
        BasaltServer server;
        try {
            server = BasaltServer.start(node, ServerConfig.of(host, port));
        } catch (RuntimeException e) {
            node.close();
            System.err.println("basalt: cannot listen on " + host + ":" + port + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            node.close();
            stopped.countDown();
        }, "basalt-shutdown"));
        System.out.println("Basalt " + BasaltCommand.Version.version() + " serving DynamoDB on http://" + host + ":"
                + server.port() + (inMemory ? " (in memory)" : " (data in " + dataDirectory.toAbsolutePath() + ")")
                + ", started in " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
