package io.basalt.cli;

import io.basalt.cluster.node.ClusterDirectory;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftTransport;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code basalt cluster --nodes N --port P --data-dir D} (docs/design/cluster.md §13.1): writes {@code node.json} for
 * each node of a new cluster (API port {@code P + k − 1} for node k, RPC and Ratis ports found free), or finds them
 * all from an earlier run, then starts {@code basalt serve --data-dir D/node-k} per node as a child process, prints
 * each pid and endpoint, prints it when a node exits (and does not restart it), and on SIGTERM or Ctrl-C stops them
 * all (SIGTERM, then SIGKILL after 30 s). Each node's output goes to {@code node-k/basalt.log}. A node's JVM gets the
 * options the {@code basalt} launcher gave this one ({@link #nodeCommand}).
 */
final class ClusterCommand {
    static final String USAGE = """
            Usage: basalt cluster [-h] --nodes=<n> [--port=<port>] [--data-dir=<dataDirectory>]
                                  [--groups-per-node=<n>] [--node-heap=<size>]
                                  [--node-down-timeout=<duration>] [--raft-transport=<grpc|netty>]
            Start (or restart) a local cluster of nodes as child processes.
                  --data-dir=<dataDirectory>
                                  Directory of the cluster, one node-N directory per node
                                  (default: ./cluster). Run again on it to restart the nodes.
                  --groups-per-node=<n>
                                  Replication-group members per node (default: enough for as
                                  many data groups as processors); used when the cluster is
                                  created.
              -h, --help          Show this help message and exit.
                  --node-heap=<size>
                                  Each node's maximum heap, as java -Xmx takes it (default: the
                                  JVM's own choice).
                  --node-down-timeout=<duration>
                                  How long a node may be down before its replicas are
                                  re-created on the others, e.g. 30s (default: 10m).
                  --nodes=<n>     How many nodes (1..64).
                  --port=<port>   API port of node 1; node N gets port + N - 1 (default: 8000;
                                  0 finds a free port for each). Used when the cluster is created.
                  --raft-transport=<grpc|netty>
                                  Ratis' transport between the nodes (default: netty), recorded
                                  in each node.json when the cluster is created; a restart uses
                                  it, and refuses another.
            """;
    /** Set by the {@code basalt} launcher: the JVM options it started this JVM with, one a line. */
    static final String LAUNCHER_JVM_OPTIONS = "BASALT_LAUNCHER_JVM_OPTIONS";
    /** How long stopping waits for the nodes' own shutdown before SIGKILL (§13.1). */
    private static final long STOP_GRACE_SECONDS = 30;

    /** @param raftTransport {@code --raft-transport}; empty when not given */
    record Options(int nodes, int port, Path dataDirectory, int groupsPerNode, String nodeHeap,
            String nodeDownTimeout, Optional<RaftTransport> raftTransport) {
    }

    private ClusterCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("-h") || args.contains("--help")) {
            out.print(USAGE);
            return 0;
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            return BasaltCommand.usageError(e.getMessage(), USAGE, err);
        }
        try {
            prepare(options, out);
        } catch (IOException | IllegalStateException e) {
            err.println("basalt: " + e.getMessage());
            return 1;
        }
        return runNodes(options, out, err);
    }

    static Options parse(List<String> args) {
        int nodes = 0;
        int port = 8000;
        Path dataDirectory = Path.of("cluster");
        int groupsPerNode = -1;
        String nodeHeap = null;
        String nodeDownTimeout = null;
        Optional<RaftTransport> raftTransport = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String argument = args.get(i);
            int equals = argument.indexOf('=');
            String name = equals < 0 ? argument : argument.substring(0, equals);
            String value;
            if (equals >= 0) {
                value = argument.substring(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("Missing required parameter for option '" + name + "'");
            }
            switch (name) {
                case "--nodes" -> nodes = integer(name, value, 1, 64);
                case "--port" -> port = integer(name, value, 0, 65535);
                case "--groups-per-node" -> groupsPerNode = integer(name, value, 1, 1024);
                case "--node-heap" -> {
                    if (!value.matches("[0-9]+[kKmMgG]?")) {
                        throw new IllegalArgumentException("Invalid value for option '--node-heap': '" + value
                                + "' is not a size such as 256m");
                    }
                    nodeHeap = value;
                }
                case "--node-down-timeout" -> {
                    // Checked here, so that a bad value is a usage error of this command, not N failed nodes.
                    ServeOptions.nodeDownTimeout(value);
                    nodeDownTimeout = value;
                }
                case "--raft-transport" -> {
                    try {
                        raftTransport = Optional.of(RaftTransport.fromFlag(value));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("Invalid value for option '--raft-transport': '" + value
                                + "' (expected grpc or netty)");
                    }
                }
                case "--data-dir" -> {
                    try {
                        dataDirectory = Path.of(value);
                    } catch (InvalidPathException e) {
                        throw new IllegalArgumentException("Invalid value for option '--data-dir': '" + value
                                + "' is not a path");
                    }
                }
                default -> throw new IllegalArgumentException("Unknown option: '" + name + "'");
            }
        }
        if (nodes == 0) {
            throw new IllegalArgumentException("Missing required option: '--nodes=<n>'");
        }
        if (port != 0 && port + nodes - 1 > 65535) {
            throw new IllegalArgumentException("Invalid value for option '--port': " + port + " + " + nodes
                    + " nodes passes 65535");
        }
        if (groupsPerNode < 0) {
            groupsPerNode = defaultGroupsPerNode(nodes, Runtime.getRuntime().availableProcessors());
        }
        return new Options(nodes, port, dataDirectory, groupsPerNode, nodeHeap, nodeDownTimeout, raftTransport);
    }

    /**
     * Data-group members per node when {@code --groups-per-node} is not given: at most as many data groups as the
     * machine has processors ({@code ceil(nodes × members / RF)} groups, RF = min(3, nodes)), since this command runs
     * every node on one machine and their groups share its cores. A group's leader packs the writes that arrive while
     * its previous Raft entry is in flight into the next one (docs/design/cluster.md §7.1), so fewer, busier groups
     * carry more writes per entry: on 2 cores, 2 groups did 1.6-1.8k writes/s at 32 connections with 0.6-0.9 ms of
     * node CPU per write where 4 (the earlier default, 2 × processors per node) did 0.6-1.1k with 1.2-2.2 ms ("Step
     * 15 as built: cluster writes", s18). Each member also costs idle CPU (leader heartbeats, §13.3).
     */
    static int defaultGroupsPerNode(int nodes, int processors) {
        int replicationFactor = Math.min(3, nodes);
        // Rounded down: a node hosts at least one member, so many nodes on few processors get more groups anyway.
        return Math.max(1, replicationFactor * processors / nodes);
    }

    private static int integer(String name, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value for option '" + name + "': '" + value
                    + "' is not an int");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("Invalid value for option '" + name + "': " + parsed + " is not in "
                    + min + ".." + max);
        }
        return parsed;
    }

    /**
     * Creates the cluster's node directories, recording the Raft transport asked for (or the default) in each, or
     * checks that an earlier run made all of them, on the transport asked for if one is: the nodes start on the one
     * their {@code node.json} records, so another is refused here, before any node starts.
     */
    static void prepare(Options options, PrintStream out) throws IOException {
        int existing = ClusterDirectory.existingNodes(options.dataDirectory(), options.nodes());
        if (existing == 0) {
            RaftTransport transport = options.raftTransport().orElse(RaftConfig.defaults().transport());
            ClusterDirectory.create(options.dataDirectory(), "127.0.0.1", options.nodes(), options.port(),
                    options.groupsPerNode(), transport);
            out.println("basalt: created a cluster of " + options.nodes() + " nodes on the " + transport.flagValue()
                    + " Raft transport in " + options.dataDirectory().toAbsolutePath());
        } else if (existing == options.nodes()) {
            NodeIdentity first = NodeIdentityFile.read(ClusterDirectory.nodeDirectory(options.dataDirectory(), 1));
            if (first.initialNodes().size() != options.nodes()) {
                throw new IllegalStateException(options.dataDirectory().toAbsolutePath() + " holds a cluster of "
                        + first.initialNodes().size() + " nodes, not " + options.nodes()
                        + " (adding nodes comes with joining, issue 16 step 13)");
            }
            try {
                first.transportFor(options.raftTransport());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cannot restart " + options.dataDirectory().toAbsolutePath() + ": "
                        + e.getMessage(), e);
            }
            out.println("basalt: restarting the cluster of " + options.nodes() + " nodes in "
                    + options.dataDirectory().toAbsolutePath());
        } else {
            throw new IllegalStateException(options.dataDirectory().toAbsolutePath() + " has node.json for "
                    + existing + " of " + options.nodes() + " nodes; restore the missing ones or use a new directory");
        }
    }

    private static int runNodes(Options options, PrintStream out, PrintStream err) {
        List<Process> processes = new ArrayList<>();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch exited = new CountDownLatch(options.nodes());
        for (int node = 1; node <= options.nodes(); node++) {
            Path directory = ClusterDirectory.nodeDirectory(options.dataDirectory(), node);
            Process process;
            try {
                NodeIdentity identity = NodeIdentityFile.read(directory);
                process = new ProcessBuilder(nodeCommand(directory, options.nodeHeap(), options.nodeDownTimeout(),
                        options.raftTransport().map(RaftTransport::flagValue).orElse(null),
                        System.getenv(LAUNCHER_JVM_OPTIONS)))
                        .redirectErrorStream(true)
                        .redirectOutput(Redirect.appendTo(directory.resolve("basalt.log").toFile())).start();
                out.println("node-" + node + " pid " + process.pid() + " " + identity.self().apiEndpoint()
                        + " raft " + identity.self().raftAddress() + " (log " + directory.resolve("basalt.log")
                        + ")");
            } catch (IOException e) {
                err.println("basalt: cannot start node-" + node + ": " + e.getMessage());
                stop(processes);
                return 1;
            }
            processes.add(process);
            int id = node;
            process.onExit().thenAccept(done -> {
                if (!stopping.get()) {
                    out.println("node-" + id + " (pid " + done.pid() + ") exited with status " + done.exitValue()
                            + "; not restarted");
                }
                exited.countDown();
            });
        }
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            stop(processes);
            out.println("basalt: stopped all nodes");
            out.flush();
        }, "basalt-cluster-stop"));
        try {
            exited.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** SIGTERM to every node still running, then SIGKILL to those still running after the grace period. */
    private static void stop(List<Process> processes) {
        processes.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_GRACE_SECONDS);
        for (Process process : processes) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /**
     * {@code basalt serve} for one node, with the java binary and class path of this JVM. Its JVM options are those
     * the {@code basalt} launcher gave this JVM ({@value #LAUNCHER_JVM_OPTIONS}: the class-data sharing archive, the
     * native libraries, {@code BASALT_JAVA_OPTS}), so that a node starts as {@code basalt serve} does; without the
     * launcher ({@code java -jar basalt.jar cluster}), only this JVM's {@code java.library.path}. {@code --node-heap}
     * comes after them, so it wins over an {@code -Xmx} in {@code BASALT_JAVA_OPTS}. {@code --raft-transport} is
     * passed on when given: the node's {@code node.json} records the cluster's and {@link #prepare} refused another,
     * but a {@code node.json} written before s21 records none and takes the one given.
     */
    static List<String> nodeCommand(Path nodeDirectory, String nodeHeap, String nodeDownTimeout,
            String raftTransport, String launcherOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (launcherOptions != null) {
            launcherOptions.lines().filter(option -> !option.isEmpty()).forEach(command::add);
        } else {
            String libraries = System.getProperty("java.library.path");
            if (libraries != null) {
                command.add("-Djava.library.path=" + libraries);
            }
        }
        if (nodeHeap != null) {
            command.add("-Xmx" + nodeHeap);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BasaltCommand.class.getName(), "serve",
                "--data-dir", nodeDirectory.toString()));
        if (nodeDownTimeout != null) {
            command.add("--node-down-timeout=" + nodeDownTimeout);
        }
        if (raftTransport != null) {
            command.add("--raft-transport=" + raftTransport);
        }
        return command;
    }
}
