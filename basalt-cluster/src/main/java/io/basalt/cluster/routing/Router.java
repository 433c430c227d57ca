package io.basalt.cluster.routing;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.PartitionClient;
import io.basalt.cluster.rpc.RpcPartitionClient;
import io.basalt.cluster.rpc.RpcRefusedException;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransport;
import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.cluster.rpc.ServingGuard;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Finds the node that serves a partition and gets a call there (docs/design/cluster.md §12.3): descriptor → group
 * → node, the leader hint if the Router has one (learned from NOT_LEADER answers, until the map names another
 * leader than it did then), else the map's, else the first member. This is TiKV's client-side region cache in
 * Basalt's nodes (tikv/client-go {@code internal/locate/region_request.go}). Each answer is handled by the retry
 * table:
 * <pre>
 *   NOT_LEADER(hint)          set the hint, retry at once at the hint (or the next member)
 *   NOT_READY, OVERLOADED     retry after 10 ms, doubling to 200 ms
 *   WRONG_PARTITION(version)  refresh the map to at least version, locate again, retry
 *   not written (refused)     next member
 *   NOT_APPLIED               re-send (the new leader evaluates it afresh)
 *   AMBIGUOUS, or a write's timeout or lost connection after it was written: InternalServerError (500), never
 *                             retried, since the write may have been applied
 *   the routing deadline passed with only safe failures: ServiceUnavailableException (503)
 * </pre>
 * A read that timed out or lost its connection after it was written is safe to send again and is treated as
 * unreachable. OVERLOADED (the peer's admission, §17) is not in §12.3's table: it is a safe failure like NOT_READY.
 * Nor is waiting for an election: when this node holds a member of the group and that member knows no leader, the
 * call backs off as for NOT_READY instead of trying members in turn (see {@link #awaitsElection}).
 *
 * <p>A node that failed a call at the transport (connection refused, reset or closed, no answer before the
 * attempt's timeout) is <em>suspect</em> for a second, or until it answers anything: calls meanwhile try the group's
 * other members first, and a NOT_LEADER naming a suspect node (its group has not elected another leader yet) backs
 * off rather than going back to it at once. A read attempt waits at most half the routing deadline (at least 1 s)
 * for its answer, so a read sent to a node that stopped answering (paused, cut off) is sent elsewhere before the
 * deadline; a write attempt keeps the whole deadline, since a write that was written and not answered is ambiguous
 * however soon the Router gives up on it — unless this node learns meanwhile that a newer leader leads the group: then
 * the write ends within 0.1–0.3 s as the same ambiguous 500 ({@link SentWrites}): the node it waits on no longer leads.
 * Thread-safe; the hint cache, the suspects and the writes in flight are the only shared state.
 */
public final class Router {
    /** DynamoDB's text for ServiceUnavailable (Developer Guide, "Error handling with DynamoDB", HTTP 503). */
    static final String UNAVAILABLE = "DynamoDB is currently unavailable. (This should be a temporary state.)";
    /** Immediate retries (NOT_LEADER, NOT_APPLIED, next member) before the Router starts backing off. */
    private static final int IMMEDIATE_RETRIES = 8;
    /** How long a node that failed a call at the transport is passed over (unless it answers sooner). */
    private static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The shortest per-attempt timeout of a read. */
    private static final long MIN_READ_ATTEMPT_MILLIS = 1_000;

    private final long localNode;
    private final PartitionClient local;
    private final ServingGuard localGuard;
    private final ClusterView view;
    private final Function<InetSocketAddress, RpcTransport> transports;
    private final ScheduledExecutorService timer;
    private final RoutingConfig config;
    private final ConcurrentHashMap<Long, LearnedHint> leaderHints = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, RpcPartitionClient> peers = new ConcurrentHashMap<>();
    /** Suspect nodes and the {@code System.nanoTime()} until which they are passed over. */
    private final ConcurrentHashMap<Long, Long> suspects = new ConcurrentHashMap<>();
    private final SentWrites sentWrites;

    /**
     * @param localNode this node's id: calls it serves go to {@code local} directly, with nothing encoded
     * @param localGuard whether this node serves a partition now, asked before a call goes to {@code local} (what
     *     its RPC server asks for calls from other nodes), so a stale hint pointing here is corrected the same way
     * @param transports the transport to each peer ({@code NettyRpcTransport::peer})
     * @param timer where backoff waits are scheduled (the node's event loops; no thread of its own)
     */
    public Router(long localNode, PartitionClient local, ServingGuard localGuard, ClusterView view,
            Function<InetSocketAddress, RpcTransport> transports, ScheduledExecutorService timer,
            RoutingConfig config) {
        this.localNode = localNode;
        this.local = requireNonNull(local, "local is null");
        this.localGuard = requireNonNull(localGuard, "localGuard is null");
        this.view = requireNonNull(view, "view is null");
        this.transports = requireNonNull(transports, "transports is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.config = requireNonNull(config, "config is null");
        this.sentWrites = new SentWrites(timer, view, this::leaderHint);
    }

    /** Where a partition is served: its descriptor, its group and the node to try first. */
    public record Target(PartitionDescriptor descriptor, long group, long node) {
        public Target {
            requireNonNull(descriptor, "descriptor is null");
        }
    }

    /** A call on a partition, made on the client of whichever node the Router picks. */
    @FunctionalInterface
    public interface PartitionCall<T> {
        CompletableFuture<T> call(PartitionClient client, long node);
    }

    public long localNode() {
        return localNode;
    }

    public RoutingConfig config() {
        return config;
    }

    /** The node to try first for the item of {@code hash} in a table's index. */
    public Target route(long tableId, int indexId, long hash) {
        PartitionDescriptor descriptor = view.current().partitions().locate(tableId, indexId, hash);
        return target(view.current(), descriptor, Set.of());
    }

    /** The node to try first for {@code partition}; empty when the map does not know it (a table dropped). */
    public Optional<Target> route(PartitionId partition) {
        ClusterState state = view.current();
        return state.tryGetPartition(partition).map(descriptor -> target(state, descriptor, Set.of()));
    }

    /**
     * Whether this node serves {@code partition} now, as far as the Router and the local guard know. A partition no
     * map knows is served here, as {@code call} does: the node answers as for a dropped table.
     */
    public boolean servesLocally(PartitionId partition, boolean write) {
        return route(partition).map(target -> target.node() == localNode
                && localGuard.refusal(partition, write) == null).orElse(true);
    }

    /**
     * Whether a read of {@code partition} is served by this node's own member of the partition's group without a
     * hop and without asking the leader: an eventually consistent read, when eventual reads come from replicas and
     * this node hosts a member (§10). The member answers from what it has applied, which may lag the leader.
     */
    public boolean readsReplicaLocally(PartitionId partition, boolean consistent) {
        if (consistent || !config.eventualReadsFromReplicas()) {
            return false;
        }
        ClusterState state = view.current();
        Optional<PartitionDescriptor> descriptor = state.tryGetPartition(partition);
        if (descriptor.isEmpty()) {
            return false;
        }
        ReplicationGroup group = state.groups().get(descriptor.get().groupId());
        return group != null && group.members().contains(localNode);
    }

    /** What this node's guard answers for {@code partition}: null when it serves it. */
    RpcResponse localRefusal(PartitionId partition, boolean write) {
        return localGuard.refusal(partition, write);
    }

    /**
     * Makes {@code call} on the node serving {@code partition}, following the retry table until it succeeds, fails
     * with a refusal a client may see, or fails with a 500 (ambiguous) or a 503 (routing deadline).
     *
     * @param write whether the call may change the partition (then a timeout after the write is ambiguous)
     */
    public <T> CompletableFuture<T> call(PartitionId partition, boolean write, PartitionCall<T> call) {
        requireNonNull(partition, "partition is null");
        requireNonNull(call, "call is null");
        Attempt<T> attempt = new Attempt<>(partition, write, call);
        attempt.run();
        return attempt.result;
    }

    /**
     * Makes {@code call} once on {@code node}, without retries (the second round of a transactional read goes back
     * to the node holding its watch): a transport failure is a 503 if the request was never written, else a 500.
     */
    public <T> CompletableFuture<T> callNode(long node, PartitionCall<T> call) {
        CompletableFuture<T> made;
        try {
            made = call.call(client(node, config.routingDeadline().toMillis()), node);
        } catch (RuntimeException e) {
            made = CompletableFuture.failedFuture(e);
        }
        return made.handle((value, failure) -> {
            if (failure == null) {
                return value;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof RpcTransportException transport) {
                throw transport.written() ? ambiguous(cause) : unavailable(cause);
            }
            if (cause instanceof RpcRefusedException refused) {
                throw unavailable(refused);
            }
            throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
        });
    }

    PartitionClient client(long node, long remainingMillis) {
        if (node == localNode) {
            return local;
        }
        RpcPartitionClient peer = peers.computeIfAbsent(node,
                id -> new RpcPartitionClient(transports.apply(view.current().getAddress(id))));
        return peer.withDeadline((int) Math.max(1, Math.min(Integer.MAX_VALUE, remainingMillis)));
    }

    private Target target(ClusterState state, PartitionDescriptor descriptor, Set<Long> unreachable) {
        ReplicationGroup group = state.getGroup(descriptor.groupId());
        long hint = leaderHint(group);
        if (hint != 0 && !unreachable.contains(hint) && !isSuspect(hint)) {
            return new Target(descriptor, group.id(), hint);
        }
        for (long member : group.members()) {
            if (!unreachable.contains(member) && !isSuspect(member)) {
                return new Target(descriptor, group.id(), member);
            }
        }
        // Every member failed this call or is suspect: the suspects are tried again, the believed leader first.
        if (hint != 0 && !unreachable.contains(hint)) {
            return new Target(descriptor, group.id(), hint);
        }
        for (long member : group.members()) {
            if (!unreachable.contains(member)) {
                return new Target(descriptor, group.id(), member);
            }
        }
        return new Target(descriptor, group.id(), hint != 0 ? hint : group.members().get(0));
    }

    /** Whether {@code node} failed a call at the transport less than a second ago and has not answered since. */
    boolean isSuspect(long node) {
        Long until = suspects.get(node);
        if (until == null) {
            return false;
        }
        if (System.nanoTime() - until < 0) {
            return true;
        }
        suspects.remove(node, until);
        return false;
    }

    private void suspect(long node) {
        if (node != localNode) {
            suspects.put(node, System.nanoTime() + SUSPECT_NANOS);
        }
    }

    /** The group's leader as best known here: a learned hint the map has not outdated, else the map's; 0: none. */
    private long leaderHint(ReplicationGroup group) {
        long hint = group.leaderHint();
        LearnedHint learned = leaderHints.get(group.id());
        if (learned != null) {
            if (learned.isNewerThan(group) && group.members().contains(learned.leader())) {
                hint = learned.leader();
            } else {
                // The map has seen a leader change since: this node's own member heard of an election after the
                // answer that taught the hint, so the map's leader is the newer one (TestClusterIsolation: a hint
                // naming a deposed, cut-off leader otherwise kept every write going there until the deadline).
                leaderHints.remove(group.id(), learned);
            }
        }
        return hint;
    }

    /**
     * Whether this node's own member of the group knows of no leader now (an election is under way, or the member is
     * cut off from the others), with no learned hint: then the call waits for one rather than trying the members
     * in turn, since the member it would try first is as likely the deposed leader, which a cut network leaves
     * silent until the routing deadline — an ambiguous 500 for a write (TestClusterIsolation), where waiting ends in
     * the new leader serving it or, at the deadline, in a safe 503. Only a member this node runs can say so: one the
     * placement gives it but not started yet (the local guard answers WRONG_PARTITION) leaves the others to be asked.
     */
    private boolean awaitsElection(PartitionId partition, boolean write, ReplicationGroup group) {
        if (!group.members().contains(localNode) || leaderHint(group) != 0) {
            return false;
        }
        return localGuard.refusal(partition, write) instanceof RpcResponse.NotLeader notLeader
                && notLeader.leaderHint() == 0;
    }

    /**
     * Learns from a routing answer {@code node} gave for a part of a batch (cluster.md §12.4) before the part goes
     * through the retry table on its own: a NOT_LEADER's hint is remembered as the retry table would, and a
     * WRONG_PARTITION refreshes the map, so the part's next try goes where it is served rather than back to
     * {@code node}.
     */
    void learn(long node, RpcResponse answer) {
        if (answer instanceof RpcResponse.NotLeader notLeader && notLeader.leaderHint() != 0
                && notLeader.leaderHint() != node) {
            ReplicationGroup mapped = view.current().groups().get(notLeader.group());
            leaderHints.put(notLeader.group(), new LearnedHint(notLeader.leaderHint(),
                    mapped == null ? 0 : mapped.leaderHint()));
        } else if (answer instanceof RpcResponse.WrongPartition wrong) {
            view.refresh(wrong.mapVersion());
        }
    }

    /** Drops the learned hint of {@code group} if it names {@code node}. */
    private void forget(long group, long node) {
        leaderHints.computeIfPresent(group, (id, learned) -> learned.leader() == node ? null : learned);
    }

    /**
     * A group's leader as a NOT_LEADER answer named it, and the leader the map gave when it was learned (0: none). It
     * is newer than the map's hint until the map names another leader, or none (the map follows this node's own Raft
     * member, which hears of elections and of losing its leader).
     */
    private record LearnedHint(long leader, long mapHintWhenLearned) {
        boolean isNewerThan(ReplicationGroup group) {
            return group.leaderHint() == mapHintWhenLearned;
        }
    }

    /** DynamoDB's 503 for a call no node could serve before the deadline (also the control plane's). */
    public static BasaltException unavailable(Throwable cause) {
        return new BasaltException(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE, cause);
    }

    /** The 500 for a change that may or may not have happened (also the control plane's). */
    public static BasaltException ambiguous(Throwable cause) {
        return new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", cause);
    }

    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** One call working its way through the retry table. */
    private final class Attempt<T> {
        final PartitionId partition;
        final boolean write;
        final PartitionCall<T> call;
        final CompletableFuture<T> result = new CompletableFuture<>();
        final long deadline = System.nanoTime() + config.routingDeadline().toNanos();
        final Set<Long> unreachable = new HashSet<>();
        long backoffNanos = config.firstBackoff().toNanos();
        int immediate;
        Throwable lastFailure;

        Attempt(PartitionId partition, boolean write, PartitionCall<T> call) {
            this.partition = partition;
            this.write = write;
            this.call = call;
        }

        void run() {
            if (result.isDone()) {
                return; // ended while its last try was in flight (a newer leader became known): nothing to retry
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                result.completeExceptionally(unavailable(lastFailure));
                return;
            }
            ClusterState state = view.current();
            Optional<PartitionDescriptor> descriptor = state.tryGetPartition(partition);
            if (descriptor.isEmpty()) {
                state = view.refresh(state.version() + 1);
                descriptor = state.tryGetPartition(partition);
            }
            long node;
            long group;
            if (descriptor.isEmpty()) {
                // Not in any map: the table was dropped; this node's own partitions answer as for a deleted table.
                node = localNode;
                group = -1;
            } else {
                ReplicationGroup replicationGroup = state.getGroup(descriptor.get().groupId());
                if (awaitsElection(partition, write, replicationGroup)) {
                    lastFailure = new RpcRefusedException(new RpcResponse.NotLeader(replicationGroup.id(), 0));
                    backOff();
                    return;
                }
                Target target = target(state, descriptor.get(), unreachable);
                node = target.node();
                group = target.group();
            }
            if (node == localNode && descriptor.isPresent()) {
                RpcResponse refusal = localGuard.refusal(partition, write);
                if (refusal != null) {
                    handle(node, group, new RpcRefusedException(refusal));
                    return;
                }
            }
            long attemptMillis = TimeUnit.NANOSECONDS.toMillis(remaining);
            if (!write) {
                attemptMillis = Math.min(attemptMillis, Math.max(MIN_READ_ATTEMPT_MILLIS,
                        config.routingDeadline().toMillis() / 2));
            }
            // Only another node's silence can outlast the write: this node's own member answers or steps down.
            SentWrites.SentWrite sent = write && node != localNode && group >= 0
                    ? sentWrites.sending(node, group, result) : null;
            CompletableFuture<T> made;
            try {
                made = call.call(client(node, attemptMillis), node);
            } catch (RuntimeException e) {
                made = CompletableFuture.failedFuture(e);
            }
            made.whenComplete((value, failure) -> {
                if (sent != null) {
                    sentWrites.answered(sent);
                }
                if (failure == null || !(unwrap(failure) instanceof RpcTransportException)) {
                    suspects.remove(node); // it answered
                }
                if (failure == null) {
                    result.complete(value);
                } else {
                    handle(node, group, unwrap(failure));
                }
            });
        }

        private void handle(long node, long group, Throwable failure) {
            lastFailure = failure;
            if (failure instanceof RpcRefusedException refused) {
                RpcResponse answer = refused.response();
                if (answer instanceof RpcResponse.NotLeader notLeader) {
                    if (notLeader.leaderHint() != 0 && notLeader.leaderHint() != node
                            && isSuspect(notLeader.leaderHint())) {
                        // The member still names the leader that just failed here: its group has not elected
                        // another yet. Wait for the election instead of going back to the failed node at once.
                        backOff();
                        return;
                    }
                    if (notLeader.leaderHint() != 0 && notLeader.leaderHint() != node) {
                        learn(node, notLeader);
                    } else {
                        forget(notLeader.group(), node);
                        unreachable.add(node);
                    }
                    retrySoon();
                } else if (answer instanceof RpcResponse.WrongPartition wrong) {
                    long before = view.current().version();
                    ClusterState refreshed = view.refresh(wrong.mapVersion());
                    if (refreshed.version() > before) {
                        retrySoon();
                    } else {
                        backOff();
                    }
                } else if (answer instanceof RpcResponse.NotReady || answer instanceof RpcResponse.Overloaded) {
                    backOff();
                } else if (answer instanceof RpcResponse.NotApplied) {
                    retrySoon();
                } else {
                    result.completeExceptionally(ambiguous(failure));
                }
            } else if (failure instanceof RpcTransportException transport) {
                suspect(node);
                if (group >= 0) {
                    // Not this call's next target only: later calls should not insist on a node that did not answer.
                    forget(group, node);
                }
                if (transport.written() && write) {
                    result.completeExceptionally(ambiguous(failure));
                    return;
                }
                unreachable.add(node);
                retrySoon();
            } else {
                result.completeExceptionally(failure);
            }
        }

        /** Retries at once, unless it has done so often in a row: then it backs off (a hint loop, all members down). */
        private void retrySoon() {
            if (++immediate <= IMMEDIATE_RETRIES) {
                run();
            } else {
                immediate = 0;
                unreachable.clear();
                backOff();
            }
        }

        private void backOff() {
            long wait = Math.min(backoffNanos, deadline - System.nanoTime());
            backoffNanos = Math.min(backoffNanos * 2, config.maxBackoff().toNanos());
            if (wait <= 0) {
                run();
                return;
            }
            try {
                timer.schedule(this::run, wait, TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
                result.completeExceptionally(unavailable(e));
            }
        }
    }
}
