package io.basalt.cli;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.node.ClusterDirectory;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftTransport;
import io.basalt.testing.TestClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A cluster of {@code basalt serve} node processes on 127.0.0.1 for fault tests (docs/design/cluster.md §21.3): each
 * node is its own JVM started on its node directory, exactly as {@code basalt cluster} starts it, so a test can
 * SIGKILL, SIGSTOP and SIGCONT one node alone and start it again from its directory. Output goes to
 * {@code node-N/test.log} (appended across restarts).
 */
final class NodeProcesses implements AutoCloseable {
    /** Small heaps: the nodes and the test JVM share two cores and the machine's memory. */
    private static final String HEAP = "-Xmx256m";

    private final Path directory;
    private final List<NodeIdentity> identities;
    private final List<Process> processes = new ArrayList<>();
    /** What every node's {@code basalt serve} gets besides its directory (e.g. {@code --node-down-timeout=3s}). */
    private final List<String> serveArguments;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Where each node runs in a namespace of its own (isolation tests); empty: all on 127.0.0.1. */
    private final Optional<NodeNetwork> network;

    private NodeProcesses(Path directory, List<NodeIdentity> identities, List<String> serveArguments,
            Optional<NodeNetwork> network) {
        this.directory = directory;
        // Joined nodes are added (join).
        this.identities = new ArrayList<>(identities);
        this.serveArguments = List.copyOf(serveArguments);
        this.network = network;
        identities.forEach(identity -> processes.add(null));
    }

    /** Creates a cluster directory of {@code nodes} nodes, starts them all and waits until each serves its API. */
    static NodeProcesses start(Path directory, int nodes, Duration timeout) throws IOException {
        return start(directory, nodes, timeout, List.of());
    }

    /**
     * {@link #start(Path, int, Duration)} with {@code serveArguments} given to every node's {@code basalt serve}
     * (e.g. {@code --node-down-timeout=3s}), joined nodes included.
     */
    static NodeProcesses start(Path directory, int nodes, Duration timeout, List<String> serveArguments)
            throws IOException {
        return start(directory, nodes, timeout, serveArguments, RaftConfig.defaults().transport());
    }

    /**
     * {@link #start(Path, int, Duration, List)} for a cluster whose {@code node.json} files record {@code transport}
     * as its Raft transport, as {@code basalt cluster --raft-transport} creates one.
     */
    static NodeProcesses start(Path directory, int nodes, Duration timeout, List<String> serveArguments,
            RaftTransport transport) throws IOException {
        NodeProcesses cluster = new NodeProcesses(directory, ClusterDirectory.create(directory, "127.0.0.1", nodes, 0,
                2, transport), serveArguments, Optional.empty());
        return cluster.startAll(timeout);
    }

    /**
     * Creates a cluster directory with one node per namespace of {@code network} (each binding and advertising its
     * namespace's address), starts them all and waits until each serves its API. Closing the cluster does not close
     * the network.
     */
    static NodeProcesses start(Path directory, NodeNetwork network, int nodes, Duration timeout) throws IOException {
        NodeProcesses cluster = new NodeProcesses(directory, ClusterDirectory.create(directory,
                network.hosts().subList(0, nodes), 0, 2, RaftConfig.defaults().transport()), List.of(),
                Optional.of(network));
        return cluster.startAll(timeout);
    }

    /** Starts every node and waits until each serves its API; stops them all if one does not. */
    private NodeProcesses startAll(Duration timeout) throws IOException {
        try {
            for (int node = 1; node <= size(); node++) {
                start(node);
            }
            for (int node = 1; node <= size(); node++) {
                awaitServing(node, timeout);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    int size() {
        return identities.size();
    }

    /** Starts node {@code node} (1-based) from its directory; it must not be running. */
    void start(int node) throws IOException {
        startWith(node, serveArguments);
    }

    /**
     * Starts node {@code node} from its directory with {@code arguments} instead of the cluster's serve arguments
     * (e.g. none, where the others were started with some); it must not be running.
     */
    void startWith(int node, List<String> arguments) throws IOException {
        if (isRunning(node)) {
            throw new IllegalStateException("node " + node + " is running");
        }
        processes.set(node - 1, serve(node, arguments, List.of()));
    }

    /** Starts {@code basalt serve --data-dir node-N} with the cluster's serve arguments and {@code more}. */
    private Process serve(int node, List<String> more) throws IOException {
        return serve(node, serveArguments, more);
    }

    /** Starts {@code basalt serve --data-dir node-N} with {@code arguments} and {@code more}. */
    private Process serve(int node, List<String> arguments, List<String> more) throws IOException {
        Path nodeDirectory = ClusterDirectory.nodeDirectory(directory, node);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(network.map(namespaces -> namespaces.launcher(node)).orElse(List.of()));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-XX:+UseSerialGC", "-cp", classPath, BasaltCommand.class.getName(), "serve", "--data-dir",
                nodeDirectory.toString()));
        command.addAll(arguments);
        command.addAll(more);
        Path log = nodeDirectory.resolve("test.log");
        Files.createDirectories(nodeDirectory);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /**
     * Starts a new node that joins the cluster through node {@code seed}'s API endpoint ({@code basalt serve --join
     * HOST:PORT --port 0 --data-dir node-N}, docs/design/cluster.md §13.1), waits until it has written its
     * {@code node.json} and serves its API, and returns its number N.
     */
    int join(int seed, Duration timeout) throws IOException {
        int node = identities.size() + 1;
        Process process = serve(node, List.of("--join", "127.0.0.1:" + endpoint(seed).getPort(), "--port", "0"));
        processes.add(process);
        Path nodeDirectory = ClusterDirectory.nodeDirectory(directory, node);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!NodeIdentityFile.exists(nodeDirectory)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + node + " did not join:\n" + log(node));
            }
            FaultTables.sleep(100);
        }
        identities.add(NodeIdentityFile.read(nodeDirectory));
        awaitServing(node, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        return node;
    }

    /** Waits until node {@code node}'s process ends (a start that must fail) and returns its exit status. */
    int awaitExit(int node, Duration timeout) throws InterruptedException {
        Process process = requireNonNull(processes.get(node - 1), "node " + node + " never started");
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("node " + node + " still runs after " + timeout + ":\n" + log(node));
        }
        return process.exitValue();
    }

    boolean isRunning(int node) {
        Process process = processes.get(node - 1);
        return process != null && process.isAlive();
    }

    long pid(int node) {
        return requireNonNull(processes.get(node - 1), "node " + node + " never started").pid();
    }

    /** The node's DynamoDB endpoint. */
    URI endpoint(int node) {
        return URI.create(identities.get(node - 1).self().apiEndpoint());
    }

    /** A client of the node's endpoint that sees every error (no SDK retries). */
    DynamoDbClient client(int node) {
        return TestClients.dynamoDb(endpoint(node));
    }

    /** Waits until the node answers its health check ({@code GET /}). */
    void awaitServing(int node, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest health = HttpRequest.newBuilder(endpoint(node)).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!isRunning(node)) {
                throw new IllegalStateException("node " + node + " exited:\n" + log(node));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            FaultTables.sleep(100);
        }
        throw new IllegalStateException("node " + node + " did not serve within " + timeout + ":\n" + log(node));
    }

    /** SIGKILL: no shutdown hook, no flush, as a crash. */
    void kill(int node) throws InterruptedException {
        Process process = processes.get(node - 1);
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the process stays, silent, holding its ports and its leases, until {@link #resume}. */
    void pause(int node) throws IOException, InterruptedException {
        signal(node, "STOP");
    }

    /** SIGCONT. */
    void resume(int node) throws IOException, InterruptedException {
        signal(node, "CONT");
    }

    private void signal(int node, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid(node))).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid(node) + " failed");
        }
    }

    /** The file the node's output is appended to. */
    Path logFile(int node) {
        return ClusterDirectory.nodeDirectory(directory, node).resolve("test.log");
    }

    /** What the node logged so far (for failure messages). */
    String log(int node) {
        try {
            Path log = ClusterDirectory.nodeDirectory(directory, node).resolve("test.log");
            String text = Files.exists(log) ? Files.readString(log) : "";
            return text.length() > 8_000 ? text.substring(text.length() - 8_000) : text;
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops every node: SIGCONT (a paused node cannot stop), then SIGKILL — the directories are thrown away. */
    @Override
    public void close() {
        for (int node = 1; node <= processes.size(); node++) {
            Process process = processes.get(node - 1);
            if (process != null && process.isAlive()) {
                try {
                    resume(node);
                } catch (IOException | InterruptedException e) {
                    // It is killed next anyway.
                }
                process.destroyForcibly();
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
