package io.basalt.cluster.routing;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.rpc.RpcTransportException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

/**
 * The Router's writes sent to other nodes and not answered yet, watched so that a write sent to a leader that has
 * since been replaced stops waiting as soon as this node knows of the newer leader (docs/design/cluster.md §12.3; §20
 * "s21 isolation"). A write sent to a leader that falls silent (cut off, paused) is ambiguous — it may have been
 * applied — and was answered only at the routing deadline (5 s), as a 500, although the other members elect a new
 * leader in 1–2 s and this node's own member learns it then; after a SIGKILL the reset connection ends the same write
 * at once. Here it ends, as the same ambiguous 500, once this node knows a newer leader.
 *
 * <p><em>Newer</em> means: the leader a call of the write's group would be routed to now ({@link Router}'s hint —
 * the map's, which follows this node's own member, or one learned since from a NOT_LEADER answer) is known, is not the
 * node the write was sent to, and is neither the leader the Router routed to nor the one the map named when the write
 * was sent. So nothing is ended by a map that still names the node the write went to (or names it again after an
 * election it won), by a group with no leader known (an election under way, which the silent node may yet win), by a
 * leader that was already another node when the write was sent (it went elsewhere because that leader was suspect),
 * or by a map's leader that a learned hint had overridden and that shows again once the hint is forgotten. A node
 * marked suspect by other calls' transport failures is no reason by itself: a node that is slow (a long pause) but
 * still leads may yet apply and answer the write.
 *
 * <p>Safety: a Raft member names another leader than before only once it has heard of a later term, in which the node
 * the write went to no longer leads; that node can at most still finish what it had. Either way the early end changes
 * nothing for the client but the time: the answer is the 500 the deadline would have given, never a 503 (which would
 * claim the write was not applied), and the SDKs retry it. A stale learned hint (a member that had not heard of the
 * current leader yet) could at worst end, as that 500, a write which would have succeeded.
 *
 * <p>The newer leader must be seen by two sweeps in a row (0.1 s apart): a leader that hands its group over on
 * purpose ({@code PreferredLeaders}, leader balance) is alive and answers its pending writes as it steps down, at
 * about the moment this node's member learns of the new leader, and ending such a write first would turn an answer
 * (success, or NOT_APPLIED, which the Router re-sends) into a 500; a silent node gives no answer to wait for.
 *
 * <p>Cost: a write registers itself (one concurrent-set insert and removal); nothing is scheduled per write. One sweep
 * on the Router's timer runs every {@value #SWEEP_MILLIS} ms while writes are in flight (none when the node is idle)
 * and looks only at writes sent more than {@value #WATCHED_AFTER_MILLIS} ms ago, far beyond a healthy write's
 * milliseconds; the map it compares with follows the node's member every 100 ms ({@code ClusterNodeView}), so a write
 * ends about 0.1–0.3 s after the member learns the new leader. Thread-safe.
 */
final class SentWrites {
    /** How long a write is in flight before the sweep looks at it. */
    static final long WATCHED_AFTER_MILLIS = 200;
    /** How often the sweep runs while writes are in flight. */
    static final long SWEEP_MILLIS = 100;

    private final ScheduledExecutorService timer;
    private final ClusterView view;
    private final ToLongFunction<ReplicationGroup> routedLeader;
    private final Set<SentWrite> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /**
     * @param timer where the sweep runs (the Router's: no thread of its own)
     * @param view the map, whose groups name their leaders as this node's own member knows them
     * @param routedLeader a group's leader as the Router would route to it now: a learned hint the map has not
     *     outdated, else the map's (0: none)
     */
    SentWrites(ScheduledExecutorService timer, ClusterView view, ToLongFunction<ReplicationGroup> routedLeader) {
        this.timer = requireNonNull(timer, "timer is null");
        this.view = requireNonNull(view, "view is null");
        this.routedLeader = requireNonNull(routedLeader, "routedLeader is null");
    }

    /** One write in flight: where it went, the leaders known when it was sent, and the call it ends. */
    static final class SentWrite {
        private final long node;
        private final long group;
        private final long mappedWhenSent;
        private final long routedWhenSent;
        private final long sentAt = System.nanoTime();
        private final CompletableFuture<?> result;
        /** The newer leader the last sweep saw (0: none); read and written by the sweeps only, one at a time. */
        private long newerLeaderSeen;

        private SentWrite(long node, long group, long mappedWhenSent, long routedWhenSent,
                CompletableFuture<?> result) {
            this.node = node;
            this.group = group;
            this.mappedWhenSent = mappedWhenSent;
            this.routedWhenSent = routedWhenSent;
            this.result = result;
        }
    }

    /**
     * Watches a write of group {@code group} about to be sent to {@code node}; {@code result} is failed with an
     * ambiguous 500 if a newer leader becomes known before {@link #answered} is called.
     */
    SentWrite sending(long node, long group, CompletableFuture<?> result) {
        ReplicationGroup mapped = view.current().groups().get(group);
        SentWrite sent = new SentWrite(node, group, mapped == null ? 0 : mapped.leaderHint(),
                mapped == null ? 0 : routedLeader.applyAsLong(mapped), result);
        inFlight.add(sent);
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            schedule();
        }
        return sent;
    }

    /** The write got an answer (or a transport failure): it is no longer watched. */
    void answered(SentWrite sent) {
        inFlight.remove(sent);
    }

    /** How many writes are watched now (for tests). */
    int size() {
        return inFlight.size();
    }

    private void schedule() {
        try {
            timer.schedule(this::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The node is closing: its writes end at their own deadlines.
            sweeping.set(false);
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            for (SentWrite sent : inFlight) {
                if (sent.result.isDone()) {
                    inFlight.remove(sent);
                } else if (now - sent.sentAt >= TimeUnit.MILLISECONDS.toNanos(WATCHED_AFTER_MILLIS)) {
                    endIfLeaderChanged(sent);
                }
            }
        } finally {
            // Stop when nothing is in flight; a write added after the emptiness check restarts the sweep itself,
            // unless it saw the flag still set: then this sweep goes on.
            if (!inFlight.isEmpty() || !stopSweeping()) {
                schedule();
            }
        }
    }

    /** Clears the flag; false when a write came in meanwhile and this sweep must go on after all. */
    private boolean stopSweeping() {
        sweeping.set(false);
        return inFlight.isEmpty() || !sweeping.compareAndSet(false, true);
    }

    private void endIfLeaderChanged(SentWrite sent) {
        ReplicationGroup mapped = view.current().groups().get(sent.group);
        if (mapped == null) {
            return; // the map no longer names the group (dropped with its table): the write's own deadline ends it
        }
        long leader = routedLeader.applyAsLong(mapped);
        if (leader == 0 || leader == sent.node || leader == sent.routedWhenSent || leader == sent.mappedWhenSent) {
            sent.newerLeaderSeen = 0;
            return;
        }
        if (sent.newerLeaderSeen != leader) {
            // First seen: one more sweep's time for a node that is alive to answer (a planned transfer's old
            // leader answers its pending writes as soon as it steps down, about when this node's member learns).
            sent.newerLeaderSeen = leader;
            return;
        }
        inFlight.remove(sent);
        sent.result.completeExceptionally(Router.ambiguous(new RpcTransportException(
                RpcTransportException.Failure.LEADER_CHANGED, "no answer from node " + sent.node + " after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent.sentAt) + " ms, and node " + leader
                        + " leads group " + sent.group + " since", null)));
    }
}
