package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.node.ClusterDirectory;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.replication.raft.RaftTransport;
import io.basalt.testing.TestClients;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code basalt cluster --nodes 3} as a user runs it, in its own JVM: three node processes start with their pids and
 * endpoints printed and form their groups; a node killed with SIGKILL is reported and not restarted; SIGTERM to the
 * command stops every node; a second run restarts the same nodes from their directories.
 */
@Timeout(300)
class TestClusterCommand {
    private static final Pattern STARTED = Pattern.compile("^node-(\\d) pid (\\d+) (http://127\\.0\\.0\\.1:\\d+) ");
    /** An option the test's launcher environment gives the command for its nodes. */
    private static final String LAUNCHER_OPTION = "-Dbasalt.test.launcherOption=given";
    private static final Pattern EXITED = Pattern.compile("^node-(\\d) \\(pid (\\d+)\\) exited with status");

    @TempDir
    Path directory;

    @Test
    void startsReportsAndStopsThreeNodes() throws Exception {
        Path cluster = directory.resolve("cluster");
        Map<Integer, Long> pids;
        try (Launcher launcher = Launcher.start(cluster)) {
            pids = launcher.awaitNodes(3);
            assertThat(launcher.output()).contains("created a cluster of 3 nodes");
            for (int node = 1; node <= 3; node++) {
                assertThat(Files.exists(cluster.resolve("node-" + node).resolve("node.json"))).isTrue();
                awaitLog(cluster.resolve("node-" + node).resolve("basalt.log"), "cluster node " + node + " of cluster");
                assertThat(ProcessHandle.of(pids.get(node)).map(ProcessHandle::isAlive)).contains(true);
                assertThat(commandLine(pids.get(node))).as("node %d's JVM options", node)
                        .containsSubsequence(LAUNCHER_OPTION, "-Xmx256m", "serve");
            }
            answersOnEveryNode(cluster);

            ProcessHandle.of(pids.get(2)).orElseThrow().destroyForcibly();
            String exited = launcher.awaitLine(EXITED, 30);
            Matcher matcher = EXITED.matcher(exited);
            assertThat(matcher.find()).isTrue();
            assertThat(matcher.group(1)).isEqualTo("2");
            assertThat(Long.parseLong(matcher.group(2))).isEqualTo(pids.get(2));
            Thread.sleep(2000);
            assertThat(launcher.output()).as("not restarted").containsOnlyOnce("node-2 pid ");
            assertThat(ProcessHandle.of(pids.get(1)).map(ProcessHandle::isAlive)).contains(true);
            assertThat(ProcessHandle.of(pids.get(3)).map(ProcessHandle::isAlive)).contains(true);

            launcher.terminate();
            assertThat(launcher.awaitEnd(60)).as("the command ends").isTrue();
            for (long pid : pids.values()) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid)
                        .isFalse();
            }
            assertThat(launcher.output()).contains("stopped all nodes");
        }

        try (Launcher again = Launcher.start(cluster)) {
            Map<Integer, Long> restarted = again.awaitNodes(3);
            assertThat(again.output()).contains("restarting the cluster of 3 nodes");
            assertThat(restarted.values()).doesNotContainAnyElementsOf(pids.values());
            awaitLog(cluster.resolve("node-2").resolve("basalt.log"), "cluster node 2 of cluster", 2);
            // What the first run acknowledged is still there, read through the node that was killed.
            try (DynamoDbClient client = TestClients.dynamoDb(endpoint(cluster, 2))) {
                for (int node = 1; node <= 3; node++) {
                    String id = "from-" + node;
                    assertThat(retry(() -> client.getItem(b -> b.tableName("Items").key(Map.of("id", s(id)))
                            .consistentRead(true)).item())).as(id).containsEntry("n", s(Integer.toString(node)));
                }
            }
            again.terminate();
            assertThat(again.awaitEnd(60)).isTrue();
            for (long pid : restarted.values()) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            }
        }
    }

    /**
     * A process's command line from {@code /proc} (Linux, as the other cluster tests): {@code
     * ProcessHandle.Info.arguments()} came back empty for these nodes, whose class path is tens of kilobytes long.
     */
    private static List<String> commandLine(long pid) throws IOException {
        String line = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
        return List.of(line.split("\0"));
    }

    @Test
    void defaultGroupsPerNodeGivesAtMostAsManyDataGroupsAsProcessors() {
        // ceil(nodes × members / RF) data groups: up to one per processor of the machine the local nodes share.
        assertThat(ClusterCommand.defaultGroupsPerNode(3, 2)).isEqualTo(2);
        assertThat(ClusterCommand.defaultGroupsPerNode(3, 8)).isEqualTo(8);
        assertThat(ClusterCommand.defaultGroupsPerNode(5, 2)).isEqualTo(1);
        assertThat(ClusterCommand.defaultGroupsPerNode(1, 4)).isEqualTo(4);
        assertThat(ClusterCommand.defaultGroupsPerNode(2, 1)).isEqualTo(1);
        assertThat(ClusterCommand.defaultGroupsPerNode(64, 1)).isEqualTo(1);
    }

    @Test
    void nodesGetTheLaunchersJvmOptionsThenTheirHeap() {
        Path node = Path.of("cluster", "node-1");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> tail = List.of("-cp", System.getProperty("java.class.path"), BasaltCommand.class.getName(),
                "serve", "--data-dir", node.toString());
        // What bin/basalt exports: one option a line, a trailing newline; an -Xmx of BASALT_JAVA_OPTS loses to
        // --node-heap, which comes after it.
        String launcher = "-XX:SharedArchiveFile=/b/basalt.jsa\n-Xshare:auto\n-Djava.library.path=/b/native\n"
                + "-Xmx1g\n-Dorg.slf4j.simpleLogger.defaultLogLevel=debug\n";
        List<String> expected = new ArrayList<>(List.of(java, "-XX:SharedArchiveFile=/b/basalt.jsa", "-Xshare:auto",
                "-Djava.library.path=/b/native", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-Xmx256m"));
        expected.addAll(tail);
        expected.add("--node-down-timeout=30s");
        assertThat(ClusterCommand.nodeCommand(node, "256m", "30s", null, launcher))
                .containsExactlyElementsOf(expected);

        // The launcher with no options to give (no archive, no native directory, no BASALT_JAVA_OPTS).
        expected = new ArrayList<>(List.of(java));
        expected.addAll(tail);
        assertThat(ClusterCommand.nodeCommand(node, null, null, null, "\n")).containsExactlyElementsOf(expected);

        // No launcher (java -jar basalt.jar cluster): this JVM's native library path only.
        expected = new ArrayList<>(List.of(java, "-Djava.library.path=" + System.getProperty("java.library.path"),
                "-Xmx64m"));
        expected.addAll(tail);
        assertThat(ClusterCommand.nodeCommand(node, "64m", null, null, null)).containsExactlyElementsOf(expected);
    }

    @Test
    void aNodeWhoseRaftPortIsTakenSaysWhichPort() throws Exception {
        Path cluster = directory.resolve("taken");
        NodeIdentity identity = ClusterDirectory.create(cluster, "127.0.0.1", 1, 0, 2,
                RaftTransport.NETTY).get(0);
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress("127.0.0.1", identity.self().raftPort()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = BasaltCommand.run(List.of("serve", "--data-dir", cluster.resolve("node-1").toString()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                            StandardCharsets.UTF_8));
            assertThat(status).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("basalt: the Raft port 127.0.0.1:"
                    + identity.self().raftPort() + " of node 1 (from ").contains("node.json").endsWith("is in use; "
                    + "stop what holds it\n");
            assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    void aNodeWhoseApiOrRpcPortIsTakenSaysWhichPort() throws Exception {
        Path cluster = directory.resolve("taken-api");
        NodeIdentity identity = ClusterDirectory.create(cluster, "127.0.0.1", 1, 0, 2,
                RaftTransport.NETTY).get(0);
        for (int port : new int[] {identity.self().apiPort(), identity.self().rpcPort()}) {
            String which = port == identity.self().apiPort() ? "API" : "RPC";
            try (ServerSocket holder = new ServerSocket()) {
                holder.bind(new InetSocketAddress("127.0.0.1", port));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int status = BasaltCommand.run(List.of("serve", "--data-dir", cluster.resolve("node-1").toString()),
                        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                                StandardCharsets.UTF_8));
                assertThat(status).isEqualTo(1);
                assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("basalt: the " + which + " port 127.0.0.1:"
                        + port + " of node 1 (from ").endsWith("is in use; stop what holds it\n");
                assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
            }
        }
    }

    @Test
    void refusesAPartialOrDifferentClusterDirectory() throws Exception {
        Path cluster = directory.resolve("partial");
        ClusterDirectory.create(cluster, "127.0.0.1", 2, 0, 2, RaftTransport.NETTY);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(BasaltCommand.run(List.of("cluster", "--nodes", "3", "--data-dir", cluster.toString()), out,
                errors)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has node.json for 2 of 3 nodes");
        err.reset();
        assertThat(BasaltCommand.run(List.of("cluster", "--nodes", "1", "--data-dir", cluster.toString()), out,
                errors)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("holds a cluster of 2 nodes, not 1");
        err.reset();
        assertThat(BasaltCommand.run(List.of("cluster", "--port", "1"), out, errors))
                .isEqualTo(BasaltCommand.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Missing required option: '--nodes=<n>'");
    }

    @Test
    void recordsTheRaftTransportWhenItCreatesTheClusterAndRefusesAnotherOnARestart() throws Exception {
        Path grpc = directory.resolve("grpc");
        ByteArrayOutputStream created = new ByteArrayOutputStream();
        ClusterCommand.prepare(ClusterCommand.parse(List.of("--nodes", "2", "--port", "0", "--data-dir",
                grpc.toString(), "--raft-transport", "grpc")), new PrintStream(created, true, StandardCharsets.UTF_8));
        assertThat(created.toString(StandardCharsets.UTF_8)).startsWith("basalt: created a cluster of 2 nodes on the "
                + "grpc Raft transport in ");
        for (int node = 1; node <= 2; node++) {
            assertThat(NodeIdentityFile.read(grpc.resolve("node-" + node)).recordedTransport())
                    .contains(RaftTransport.GRPC);
        }
        Path plain = directory.resolve("plain");
        ClusterCommand.prepare(ClusterCommand.parse(List.of("--nodes", "1", "--port", "0", "--data-dir",
                plain.toString())), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(NodeIdentityFile.read(plain.resolve("node-1")).recordedTransport()).contains(RaftTransport.NETTY);

        // A restart: without the option, or with the recorded one, it goes on (here to start nodes, not done);
        // with another, it stops before starting any node, naming both.
        ClusterCommand.prepare(ClusterCommand.parse(List.of("--nodes", "2", "--data-dir", grpc.toString(),
                "--raft-transport", "grpc")), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(BasaltCommand.run(List.of("cluster", "--nodes", "2", "--data-dir", grpc.toString(),
                "--raft-transport=netty"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("basalt: cannot restart "
                + grpc.toAbsolutePath() + ": node 1 belongs to a cluster on the grpc Raft transport (recorded in its "
                + "node.json), not netty");
        assertThat(grpc.resolve("node-1").resolve("basalt.log")).doesNotExist();
    }

    @Test
    void aNodeStartedOnAnotherTransportThanItsClusterIsRefusedBeforeItBindsAnything() throws Exception {
        Path cluster = directory.resolve("other-transport");
        NodeIdentity identity = ClusterDirectory.create(cluster, "127.0.0.1", 1, 0, 2, RaftTransport.GRPC).get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BasaltCommand.run(List.of("serve", "--data-dir", cluster.resolve("node-1").toString(),
                "--raft-transport", "netty"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("basalt: cannot start "
                + cluster.resolve("node-1").toAbsolutePath() + ": node 1 belongs to a cluster on the grpc Raft "
                + "transport (recorded in its node.json), not netty: every node of a cluster uses the same transport; "
                + "start it without --raft-transport, or with --raft-transport grpc\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        // Nothing was created or bound: no Raft directory, and the Raft port is free.
        assertThat(cluster.resolve("node-1").resolve("raft")).doesNotExist();
        try (ServerSocket free = new ServerSocket()) {
            free.bind(new InetSocketAddress("127.0.0.1", identity.self().raftPort()));
        }
    }

    @Test
    void passesTheRaftTransportToEachNode() {
        assertThat(ClusterCommand.nodeCommand(Path.of("c/node-1"), null, null, "grpc", null))
                .endsWith("serve", "--data-dir", Path.of("c/node-1").toString(), "--raft-transport=grpc");
        assertThat(ClusterCommand.nodeCommand(Path.of("c/node-1"), null, null, null, null))
                .noneMatch(argument -> argument.startsWith("--raft-transport"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(BasaltCommand.run(List.of("cluster", "--nodes", "3", "--raft-transport=udp"), out, errors))
                .isEqualTo(BasaltCommand.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("Invalid value for option '--raft-transport': 'udp' (expected grpc or netty)");
    }

    /**
     * CreateTable through node 1, a PutItem through each node, and each item read back (strongly) through every
     * node: any node's endpoint serves any request (issue 16).
     */
    private static void answersOnEveryNode(Path cluster) throws Exception {
        try (DynamoDbClient first = TestClients.dynamoDb(endpoint(cluster, 1))) {
            retry(() -> first.createTable(b -> b.tableName("Items").billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())));
        }
        for (int node = 1; node <= 3; node++) {
            String id = "from-" + node;
            String n = Integer.toString(node);
            try (DynamoDbClient client = TestClients.dynamoDb(endpoint(cluster, node))) {
                assertThat(retry(() -> client.describeTable(b -> b.tableName("Items")).table().tableName()))
                        .isEqualTo("Items");
                retry(() -> client.putItem(b -> b.tableName("Items").item(Map.of("id", s(id), "n", s(n)))));
            }
        }
        for (int reader = 1; reader <= 3; reader++) {
            try (DynamoDbClient client = TestClients.dynamoDb(endpoint(cluster, reader))) {
                for (int node = 1; node <= 3; node++) {
                    String id = "from-" + node;
                    assertThat(retry(() -> client.getItem(b -> b.tableName("Items").key(Map.of("id", s(id)))
                            .consistentRead(true)).item())).as("%s through node %d", id, reader)
                            .containsEntry("n", s(Integer.toString(node)));
                }
            }
        }
    }

    private static URI endpoint(Path cluster, int node) throws Exception {
        return URI.create(NodeIdentityFile.read(cluster.resolve("node-" + node)).self().apiEndpoint());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    /**
     * Retries a call refused with a 5xx while the cluster settles (no metadata leader yet, a group electing or
     * handing its leadership to its preferred member) for up to 90 s, as an AWS SDK retries a 503; anything else is
     * the answer. A strong read through each node right after the writes once met a 503 at load average 56 (an
     * election longer than the 5 s routing deadline), and 30 s of retries is short at that load (cluster.md, "s19
     * flakes").
     */
    private static <T> T retry(Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                return call.get();
            } catch (DynamoDbException e) {
                if (System.nanoTime() > deadline || e.statusCode() < 500) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }

    private static void awaitLog(Path log, String text) throws Exception {
        awaitLog(log, text, 1);
    }

    /** Waits until {@code log} holds {@code text} {@code times} times (one banner per start). */
    private static void awaitLog(Path log, String text, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.exists(log) ? Files.readString(log) : "";
            if (content.split(Pattern.quote(text), -1).length - 1 >= times) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(log + " does not show '" + text + "' " + times + " time(s):\n" + content);
    }

    /** The {@code basalt cluster} command in its own JVM, its output read line by line. */
    private static final class Launcher implements AutoCloseable {
        private final Process process;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;

        private Launcher(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        output.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // The process ended.
                }
            }, "cluster-command-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Launcher start(Path cluster) throws IOException {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx128m", "-cp", classPath, BasaltCommand.class.getName(), "cluster", "--nodes",
                    "3", "--port", "0", "--data-dir", cluster.toString(), "--groups-per-node", "2", "--node-heap",
                    "256m"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            // As bin/basalt would set it: every node must start with these options.
            builder.environment().put(ClusterCommand.LAUNCHER_JVM_OPTIONS, LAUNCHER_OPTION + "\n");
            return new Launcher(builder.start());
        }

        String output() {
            return output.toString();
        }

        /** Waits for the command to end and for its last output to be read. */
        boolean awaitEnd(long seconds) throws InterruptedException {
            boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return ended;
        }

        Map<Integer, Long> awaitNodes(int count) throws InterruptedException {
            Map<Integer, Long> pids = new LinkedHashMap<>();
            while (pids.size() < count) {
                Matcher matcher = STARTED.matcher(awaitLine(STARTED, 60));
                assertThat(matcher.find()).isTrue();
                pids.put(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)));
            }
            return pids;
        }

        String awaitLine(Pattern pattern, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no line matching " + pattern + " within " + seconds + " s:\n"
                            + output);
                }
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
        }

        /**
         * SIGTERM, which like Ctrl-C's SIGINT runs the command's shutdown hook. Through the handle: {@code
         * Process.destroy()} would also close our end of the command's output, losing what it prints while stopping.
         */
        void terminate() {
            process.toHandle().destroy();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            // Never leave node processes behind, whatever the test did.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
