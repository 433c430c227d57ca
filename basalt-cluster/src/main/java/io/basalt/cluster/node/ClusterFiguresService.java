package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.ClusterFigures;
import io.basalt.cluster.DaemonThreads;
import io.basalt.cluster.GlobalIndexPropagation;
import io.basalt.cluster.IndexLag;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatistics;
import io.basalt.cluster.rpc.NodeFiguresHandler;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransport;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node's cluster-wide figures (docs/design/cluster.md, "s18 statistics and index settings"), both sides of
 * the {@code NODE_FIGURES} frames:
 * <ul>
 * <li><b>Statistics.</b> Each partition's record is read from a replica of its group once that replica has applied
 * every write acknowledged before (a ReadIndex through the group's leader): this node's own member when it has one,
 * else one node holding a member — the node already asked for another key when one of the group's members is, so
 * a DescribeTable costs at most one frame per other node. A key no replica answered in time counts as unknown (null).
 * With more than three nodes a node holds only some groups, which is why the figures cannot come from its own
 * replicas alone.</li>
 * <li><b>Index lag.</b> This node's propagators' lag plus every other node's (a fan-out): each node knows only the
 * base partitions it leads.</li>
 * <li><b>Propagation.</b> The test setting is set here and sent to every other node (a broadcast over the RPC, not
 * a metadata entry: it is test configuration no DynamoDB client sees). Each setting is stamped where it was made and
 * a node keeps the newest it has heard of; a node that starts or joins asks the others for theirs once it serves
 * ({@link #learnPropagation}), so a node that was down or absent when the setting changed has it too (s19).</li>
 * </ul>
 * Thread-safe. Replica reads for other nodes and the propagation frames run on a thread of their own, off the
 * network threads; learning the propagation setting on another, for at most {@link #LEARN_WINDOW}.
 */
public final class ClusterFiguresService implements ClusterFigures, NodeFiguresHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFiguresService.class);
    /** How long a figure waits for other nodes: DynamoDB's own figures are hours old, so an answer beats a wait. */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    /** How long a starting node keeps asking for the propagation setting until every other node has answered. */
    static final Duration LEARN_WINDOW = Duration.ofSeconds(30);

    private final ClusterNode node;
    private final Function<InetSocketAddress, RpcTransport> transports;
    private final ExecutorService reads;
    private final AtomicLong requestIds = new AtomicLong();
    /** The newest propagation setting made on the cluster that this node has heard of; null: none since it started. */
    private RpcRequest.PropagationSet setting;
    private Thread learner;
    private boolean closed;

    /** @param transports the RPC transport to a peer's RPC address */
    public ClusterFiguresService(ClusterNode node, Function<InetSocketAddress, RpcTransport> transports) {
        this.node = requireNonNull(node, "node is null");
        this.transports = requireNonNull(transports, "transports is null");
        this.reads = Executors.newSingleThreadExecutor(DaemonThreads.named("basalt-figures-" + node.selfId() + "-"));
    }

    // ---- the asking side ----

    @Override
    public List<TableStatistics> statistics(List<RpcRequest.StatisticsKey> keys) {
        TableStatistics[] answers = new TableStatistics[keys.size()];
        // Which node reads which keys (positions in keys): this node for its groups, else one member per group,
        // preferring a node already asked.
        Map<Integer, List<Integer>> byNode = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            List<Integer> members = node.members(keys.get(i).groupId());
            if (members.isEmpty()) {
                continue;
            }
            int target = members.contains(node.selfId()) ? node.selfId()
                    : members.stream().filter(byNode::containsKey).findFirst().orElse(members.get(0));
            byNode.computeIfAbsent(target, id -> new ArrayList<>()).add(i);
        }
        Map<Integer, CompletableFuture<Object>> asked = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Integer>> entry : byNode.entrySet()) {
            if (entry.getKey() != node.selfId()) {
                asked.put(entry.getKey(), send(entry.getKey(), new RpcRequest.StatisticsRead(
                        entry.getValue().stream().map(keys::get).toList())));
            }
        }
        List<Integer> own = byNode.getOrDefault(node.selfId(), List.of());
        List<TableStatistics> local = readLocal(own.stream().map(keys::get).toList());
        for (int i = 0; i < own.size(); i++) {
            answers[own.get(i)] = local.get(i);
        }
        for (Map.Entry<Integer, CompletableFuture<Object>> entry : asked.entrySet()) {
            List<Integer> positions = byNode.get(entry.getKey());
            Object answer = await(entry.getKey(), entry.getValue());
            if (answer instanceof List<?> values && values.size() == positions.size()) {
                for (int i = 0; i < positions.size(); i++) {
                    answers[positions.get(i)] = (TableStatistics) values.get(i);
                }
            }
        }
        return Arrays.asList(answers);
    }

    @Override
    public IndexLag lag(TableMetadata table, IndexMetadata index) {
        if (!index.global()) {
            return IndexLag.NONE;
        }
        Map<Integer, CompletableFuture<Object>> asked = new LinkedHashMap<>();
        for (int peer : otherNodes()) {
            asked.put(peer, send(peer, new RpcRequest.IndexLagRead(table.id(), index.id())));
        }
        IndexLag lag = node.globalIndexes().lag(table, index);
        for (Map.Entry<Integer, CompletableFuture<Object>> entry : asked.entrySet()) {
            if (await(entry.getKey(), entry.getValue()) instanceof IndexLag theirs) {
                lag = lag.plus(theirs);
            }
        }
        return lag;
    }

    @Override
    public void setPropagation(GlobalIndexPropagation propagation) {
        requireNonNull(propagation, "propagation is null");
        RpcRequest.PropagationSet set;
        synchronized (this) {
            // Wall-clock stamps order settings made on different nodes; one node's own are strictly increasing.
            long now = System.currentTimeMillis();
            set = new RpcRequest.PropagationSet(propagation.synchronous(), propagation.delay().toMillis(),
                    setting == null ? now : Math.max(now, setting.setAtMillis() + 1), node.selfId());
            adopt(set);
        }
        Map<Integer, CompletableFuture<Object>> asked = new LinkedHashMap<>();
        for (int peer : otherNodes()) {
            asked.put(peer, send(peer, set));
        }
        asked.forEach(this::await);
    }

    /**
     * Asks every other node for the newest propagation setting it has heard of and takes the newest answered, if
     * newer than this node's: called once this node serves, so that a node that was down when the setting changed,
     * or joined since, runs with the cluster's. Asks again each second those that did not answer (a node restarting
     * with it), for up to {@link #LEARN_WINDOW}, on a thread of its own.
     */
    public synchronized void learnPropagation() {
        if (closed || learner != null) {
            return;
        }
        learner = DaemonThreads.named("basalt-propagation-" + node.selfId() + "-").newThread(this::learn);
        learner.start();
    }

    private void learn() {
        TreeSet<Integer> waiting = new TreeSet<>(otherNodes());
        long deadline = System.nanoTime() + LEARN_WINDOW.toNanos();
        while (!waiting.isEmpty() && !Thread.currentThread().isInterrupted()) {
            Map<Integer, CompletableFuture<Object>> asked = new LinkedHashMap<>();
            for (int peer : waiting) {
                asked.put(peer, send(peer, new RpcRequest.PropagationRead()));
            }
            for (Map.Entry<Integer, CompletableFuture<Object>> entry : asked.entrySet()) {
                CompletableFuture<Object> answer = entry.getValue();
                Object value = await(entry.getKey(), answer);
                if (value instanceof RpcRequest.PropagationSet theirs) {
                    synchronized (this) {
                        if (adopt(theirs)) {
                            LOG.info("Global index propagation {} learned from node {}", theirs, entry.getKey());
                        }
                    }
                }
                if (answer.isDone() && !answer.isCompletedExceptionally()) {
                    waiting.remove(entry.getKey());
                }
            }
            if (waiting.isEmpty() || System.nanoTime() > deadline) {
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Takes {@code set} when it is newer than the setting this node has: the caller holds this object's lock. */
    private boolean adopt(RpcRequest.PropagationSet set) {
        if (!set.isNewerThan(setting)) {
            return false;
        }
        setting = set;
        node.globalIndexes().setPropagation(set.synchronous() ? GlobalIndexPropagation.SYNCHRONOUS
                : GlobalIndexPropagation.delayed(Duration.ofMillis(set.delayMillis())));
        return true;
    }

    /**
     * Every node this node knows of but itself, in id order: the members of the cluster's groups, the nodes of its
     * identity and those of the registry (a node joined since that holds no member yet).
     */
    private List<Integer> otherNodes() {
        TreeSet<Integer> nodes = new TreeSet<>();
        node.groups().values().forEach(group -> nodes.addAll(group.members()));
        node.identity().knownNodes().forEach(known -> nodes.add(known.nodeId()));
        node.registry().ifPresent(registry -> registry.nodes().forEach(known -> nodes.add(known.nodeId())));
        nodes.remove(node.selfId());
        return List.copyOf(nodes);
    }

    /** Sends {@code request} to node {@code target}: its OK value, or a failed future. */
    private CompletableFuture<Object> send(int target, RpcRequest request) {
        Optional<NodeAddress> address = node.node(target);
        if (address.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("unknown node " + target));
        }
        byte[] frame = RpcCodec.encodeRequest(requestIds.incrementAndGet(), (int) TIMEOUT.toMillis(), request);
        try {
            return transports.apply(address.get().rpcSocketAddress()).call(frame).thenApply(answer -> {
                RpcResponse response = RpcCodec.decodeResponse(answer, request).content();
                if (response instanceof RpcResponse.Ok ok) {
                    return ok.value();
                }
                throw new IllegalStateException("node " + target + " answered " + response);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The value {@code answer} completes with within the timeout, or null (logged) when it fails or is late. */
    private Object await(int target, CompletableFuture<Object> answer) {
        try {
            return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            LOG.debug("NODE_FIGURES to node {} failed: its share is left out", target, e);
            return null;
        }
    }

    // ---- the serving side ----

    @Override
    public CompletableFuture<RpcResponse> handle(RpcRequest request) {
        if (request instanceof RpcRequest.StatisticsRead read) {
            return CompletableFuture.supplyAsync(() -> new RpcResponse.Ok(readLocal(read.keys())), reads);
        }
        if (request instanceof RpcRequest.IndexLagRead read) {
            IndexLag lag = node.metadata().tryGetTable(read.tableId()).flatMap(table -> table.indexes().stream()
                    .filter(index -> index.id() == read.indexId() && index.global()).findFirst()
                    .map(index -> node.globalIndexes().lag(table, index))).orElse(IndexLag.NONE);
            return CompletableFuture.completedFuture(new RpcResponse.Ok(lag));
        }
        if (request instanceof RpcRequest.PropagationSet set) {
            // Off the network thread: taking the setting waits for this object's lock and tells the propagators.
            // A broadcast older than what this node has (sent before a newer one, delivered after) changes nothing.
            return CompletableFuture.supplyAsync(() -> {
                synchronized (this) {
                    adopt(set);
                }
                return new RpcResponse.Ok(null);
            }, reads);
        }
        if (request instanceof RpcRequest.PropagationRead) {
            return CompletableFuture.supplyAsync(() -> {
                synchronized (this) {
                    return new RpcResponse.Ok(setting);
                }
            }, reads);
        }
        throw new IllegalArgumentException("not a NODE_FIGURES request: " + request.kind());
    }

    /**
     * Reads {@code keys} from this node's replicas, one read barrier per group; null for a key of a group this node
     * holds no member of, or whose barrier failed (no leader).
     */
    private List<TableStatistics> readLocal(List<RpcRequest.StatisticsKey> keys) {
        TableStatistics[] answers = new TableStatistics[keys.size()];
        Map<Long, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            byGroup.computeIfAbsent(keys.get(i).groupId(), group -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Long, List<Integer>> group : byGroup.entrySet()) {
            try {
                // Live, as on one node (compatibility.md): the replica first applies what was acknowledged before.
                node.readReplica(group.getKey(), reader -> {
                    for (int position : group.getValue()) {
                        RpcRequest.StatisticsKey key = keys.get(position);
                        answers[position] = decode(key, reader.get(storageKey(key)));
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.debug("Reading statistics of group {} failed", group.getKey(), e);
            }
        }
        return Arrays.asList(answers);
    }

    private static byte[] storageKey(RpcRequest.StatisticsKey key) {
        return key.indexId() == KeyLayout.BASE_TABLE_INDEX ? KeyLayout.partitionRecordKey(key.tableId(),
                key.partition()) : KeyLayout.indexStateKey(key.tableId(), key.partition(), key.indexId());
    }

    private static TableStatistics decode(RpcRequest.StatisticsKey key, byte[] stored) {
        if (key.indexId() == KeyLayout.BASE_TABLE_INDEX) {
            PartitionMetadata metadata = PartitionRecord.metadataOf(stored);
            return new TableStatistics(metadata.itemCount(), metadata.sizeBytes());
        }
        IndexPartitionState state = IndexPartitionState.decode(stored);
        return new TableStatistics(state.itemCount(), state.sizeBytes());
    }

    @Override
    public void close() {
        Thread learning;
        synchronized (this) {
            closed = true;
            learning = learner;
        }
        if (learning != null) {
            learning.interrupt();
        }
        reads.shutdownNow();
    }
}
