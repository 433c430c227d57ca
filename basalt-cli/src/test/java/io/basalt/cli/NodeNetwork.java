package io.basalt.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network for {@link NodeProcesses} in which one node can be cut off from its peers while the test, on the host,
 * still reaches every node (docs/design/cluster.md, "Step 14 as built", isolation). Needs root (CAP_NET_ADMIN and
 * CAP_SYS_ADMIN) and the {@code ip} and {@code tc} tools; {@link #unavailable()} says why not where they are missing.
 *
 * <p>Why namespaces and not addresses on {@code lo}: on loopback the kernel picks source address 127.0.0.1 for every
 * connection a node opens, so a filter cannot tell node 2's packets from node 3's or from the test's. Here each node
 * runs in its own network namespace ({@code basalt-<pid>-<node>}) with a veth pair to a bridge in a namespace of its
 * own ({@code basalt-<pid>-hub}), which a third veth pair joins to the host namespace, where the test has the address
 * {@code 10.231.<k>.1} (on {@code bs<pid>r}); node N has {@code 10.231.<k>.(N+1)}. The bridge is not in the host
 * namespace because there, with {@code br_netfilter} loaded, bridged packets pass the host's iptables FORWARD chain,
 * which Docker hosts (CI runners among them) set to DROP; a fresh namespace has no rules.
 * A cut from node A to node B is a {@code tc} filter on A's veth, inside A's namespace, classifying packets to B's
 * address into an HTB class whose queue holds nothing ({@code pfifo limit 0}): they vanish silently, as on a broken
 * network (no reset, no ICMP), and TCP times out. (A {@code gact} drop action would be simpler, but kernels built
 * without {@code NET_ACT_GACT} — this machine's — have none; HTB, FIFO and u32 are there, as in distribution
 * kernels.)
 *
 * <p>Nothing outlives the network: closing it (and a shutdown hook) deletes the namespaces, which takes their filters
 * with them, and the bridge; creating one first deletes what a killed earlier run (whose pid is gone) left behind,
 * and every cut deletes the node's queueing discipline before adding its own.
 */
final class NodeNetwork implements AutoCloseable {
    private static final String NAMESPACE_PREFIX = "basalt-";
    private static final Pattern STALE_NAMESPACE = Pattern.compile("^basalt-(\\d+)-\\w+");
    private static final Pattern STALE_LINK = Pattern.compile("^\\d+: (bs(\\d+)r)[@:]");

    private final long owner = ProcessHandle.current().pid();
    private final String subnet;
    private final int nodes;
    private final Set<Integer> cutNodes = new HashSet<>();
    private final Thread cleanup = new Thread(this::delete, "basalt-node-network-cleanup");

    private NodeNetwork(String subnet, int nodes) {
        this.subnet = subnet;
        this.nodes = nodes;
    }

    /** Why a network cannot be made here (not Linux, not root, no {@code ip} or {@code tc}), or empty. */
    static Optional<String> unavailable() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("network namespaces need Linux");
        }
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            Matcher effective = Pattern.compile("CapEff:\\s*([0-9a-f]+)").matcher(status);
            // CAP_NET_ADMIN (12) for links and filters; CAP_SYS_ADMIN (21) for `ip netns add`, which mounts.
            long capabilities = effective.find() ? Long.parseUnsignedLong(effective.group(1), 16) : 0;
            if ((capabilities & (1L << 12)) == 0 || (capabilities & (1L << 21)) == 0) {
                return Optional.of("CAP_NET_ADMIN or CAP_SYS_ADMIN is missing (run as root)");
            }
            for (String tool : List.of("ip", "tc")) {
                if (run(List.of(tool, "-V"), false).exitCode() != 0) {
                    return Optional.of("`" + tool + "` is missing");
                }
            }
        } catch (IOException e) {
            return Optional.of(e.toString());
        }
        return Optional.empty();
    }

    /** Creates the bridge and one namespace per node, after deleting what dead earlier runs left. */
    static NodeNetwork create(int nodes) throws IOException {
        deleteStale();
        long pid = ProcessHandle.current().pid();
        String addresses = run(List.of("ip", "-4", "-o", "addr", "show"), true).output();
        int third = (int) (pid % 250);
        while (addresses.contains("10.231." + third + ".")) {
            third = (third + 1) % 250;
        }
        NodeNetwork network = new NodeNetwork("10.231." + third + ".", nodes);
        Runtime.getRuntime().addShutdownHook(network.cleanup);
        try {
            network.build();
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }

    private void build() throws IOException {
        String hub = namespace("hub");
        ip("netns", "add", hub);
        ip("-n", hub, "link", "add", "bridge", "type", "bridge");
        ip("-n", hub, "link", "set", "bridge", "up");
        // The test's end: bs<pid>r here, its peer a port of the bridge.
        ip("link", "add", rootLink(), "type", "veth", "peer", "name", "bs" + owner + "q");
        ip("link", "set", "bs" + owner + "q", "netns", hub);
        ip("-n", hub, "link", "set", "bs" + owner + "q", "master", "bridge", "up");
        ip("addr", "add", subnet + "1/24", "dev", rootLink());
        ip("link", "set", rootLink(), "up");
        for (int node = 1; node <= nodes; node++) {
            String namespace = namespace(Integer.toString(node));
            String hubSide = "bs" + owner + "h" + node;
            ip("netns", "add", namespace);
            ip("link", "add", hubSide, "type", "veth", "peer", "name", device(node));
            ip("link", "set", hubSide, "netns", hub);
            ip("-n", hub, "link", "set", hubSide, "master", "bridge", "up");
            ip("link", "set", device(node), "netns", namespace);
            ip("-n", namespace, "addr", "add", host(node) + "/24", "dev", device(node));
            ip("-n", namespace, "link", "set", device(node), "up");
            ip("-n", namespace, "link", "set", "lo", "up");
        }
    }

    /** Node {@code node}'s address (1-based), which it binds and advertises. */
    String host(int node) {
        return subnet + (node + 1);
    }

    List<String> hosts() {
        List<String> hosts = new ArrayList<>();
        for (int node = 1; node <= nodes; node++) {
            hosts.add(host(node));
        }
        return hosts;
    }

    /** The command prefix that runs a program in node {@code node}'s namespace. */
    List<String> launcher(int node) {
        return List.of("ip", "netns", "exec", namespace(Integer.toString(node)));
    }

    /** Cuts {@code node} off from every other node, both ways; the test still reaches it. */
    void isolate(int node) throws IOException {
        List<Integer> peers = new ArrayList<>();
        for (int peer = 1; peer <= nodes; peer++) {
            if (peer != node) {
                peers.add(peer);
                drop(peer, List.of(node));
            }
        }
        drop(node, peers);
    }

    /** Cuts what {@code node}'s peers send it (one way): it still sends to them, and hears nothing back. */
    void deafen(int node) throws IOException {
        for (int peer = 1; peer <= nodes; peer++) {
            if (peer != node) {
                drop(peer, List.of(node));
            }
        }
    }

    /**
     * Drops every packet from {@code from} to each of {@code to} (one way: what the others send {@code from} still
     * arrives); replaces the cuts {@code from} had.
     */
    void drop(int from, List<Integer> to) throws IOException {
        String namespace = namespace(Integer.toString(from));
        String device = device(from);
        clear(from);
        cutNodes.add(from);
        tc(namespace, "qdisc", "add", "dev", device, "root", "handle", "1:", "htb", "default", "1");
        // 10gbit: the classes must not slow what passes; the quantum is set to keep HTB from warning about r2q.
        for (String classId : List.of("1:1", "1:2")) {
            tc(namespace, "class", "add", "dev", device, "parent", "1:", "classid", classId, "htb", "rate", "10gbit",
                    "quantum", "60000");
        }
        tc(namespace, "qdisc", "add", "dev", device, "parent", "1:2", "handle", "20:", "pfifo", "limit", "0");
        for (int peer : to) {
            tc(namespace, "filter", "add", "dev", device, "parent", "1:", "protocol", "ip", "prio", "7", "u32",
                    "match", "ip", "dst", host(peer) + "/32", "flowid", "1:2");
        }
    }

    /** Removes every cut. */
    void heal() throws IOException {
        for (int node : List.copyOf(cutNodes)) {
            clear(node);
        }
    }

    private void clear(int node) throws IOException {
        // Deleting a root qdisc that is not there fails; that is the clean state.
        run(List.of("tc", "-n", namespace(Integer.toString(node)), "qdisc", "del", "dev", device(node), "root"),
                false);
        cutNodes.remove(node);
    }

    private String namespace(String name) {
        return NAMESPACE_PREFIX + owner + "-" + name;
    }

    private String rootLink() {
        return "bs" + owner + "r";
    }

    private String device(int node) {
        return "bs" + owner + "p" + node;
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs (or ran) delete.
        }
    }

    /** Deletes this run's links and namespaces (with them their veths, filters and the bridge); idempotent. */
    private void delete() {
        // Deleting a link takes its peer at once; a deleted namespace lingers (and keeps its links) while the kernel
        // lets go of it.
        quietly(List.of("ip", "link", "del", rootLink()));
        quietly(List.of("ip", "-n", namespace("hub"), "link", "del", "bridge"));
        for (int node = 1; node <= nodes; node++) {
            quietly(List.of("ip", "-n", namespace("hub"), "link", "del", "bs" + owner + "h" + node));
            quietly(List.of("ip", "netns", "del", namespace(Integer.toString(node))));
        }
        quietly(List.of("ip", "netns", "del", namespace("hub")));
    }

    /** Deletes namespaces and links of earlier runs whose JVM is gone, and kills what still runs in them. */
    private static void deleteStale() throws IOException {
        for (String line : run(List.of("ip", "netns", "list"), true).output().split("\n")) {
            Matcher matcher = STALE_NAMESPACE.matcher(line.trim());
            if (matcher.find() && isDead(matcher.group(1))) {
                String namespace = line.trim().split("\\s+")[0];
                for (String pid : run(List.of("ip", "netns", "pids", namespace), false).output().split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                quietly(List.of("ip", "netns", "del", namespace));
            }
        }
        for (String line : run(List.of("ip", "-o", "link", "show"), true).output().split("\n")) {
            Matcher matcher = STALE_LINK.matcher(line.trim());
            if (matcher.find() && isDead(matcher.group(2))) {
                quietly(List.of("ip", "link", "del", matcher.group(1)));
            }
        }
    }

    private static boolean isDead(String pid) {
        return ProcessHandle.of(Long.parseLong(pid)).map(process -> !process.isAlive()).orElse(true);
    }

    private static void ip(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        run(command, true);
    }

    private static void tc(String namespace, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("tc", "-n", namespace));
        command.addAll(List.of(arguments));
        run(command, true);
    }

    private static void quietly(List<String> command) {
        try {
            run(command, false);
        } catch (IOException e) {
            // Best effort: nothing more to do about a failed cleanup step.
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, boolean check) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            if (check) {
                throw e;
            }
            return new Result(-1, e.toString());
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not finish");
            }
            if (check && process.exitValue() != 0) {
                throw new IOException(command + " failed (" + process.exitValue() + "): " + output.strip());
            }
            return new Result(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
