package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;

/**
 * The strong-read barrier of a group (docs/design/cluster.md §10): a Ratis read-only request with an empty message,
 * which Ratis answers under {@code raft.server.read.option=LINEARIZABLE} — from the leader lease while it is fresh,
 * else after a ReadIndex round of heartbeats — once this member's applied index has reached the read index. When the
 * barrier completes, local storage holds every write acknowledged before the barrier began. A deposed leader never
 * passes it: its lease ran out before another leader could be elected, and a ReadIndex round needs a majority.
 *
 * <p>Concurrent barriers are coalesced: one is in flight; callers arriving meanwhile share the next one (not the
 * one in flight, whose read index may predate their writes). Thread-safe.
 */
public final class GroupReads implements AutoCloseable {
    /** How often a follower's barrier on Netty looks whether its applied index reached the leader's. */
    private static final long APPLIED_POLL_MILLIS = 2;

    private final Supplier<RaftServer> server;
    private final RaftGroupId group;
    private final Executor submitter;
    private final RaftTransport transport;
    private final LongSupplier appliedIndex;
    private final ScheduledExecutorService timer;
    private final Duration readTimeout;
    private final LeaderAppliedIndex leaderAppliedIndex;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private CompletableFuture<Void> inFlight;
    private CompletableFuture<Void> next;
    private long rounds;

    /**
     * @param submitter where rounds that follow a finished one are sent and callers are told: never on Ratis' own
     *     reply thread, which may hold a Ratis lock that a new submission waits for (seen as a deadlock in
     *     {@code ReadIndexHeartbeats})
     * @param transport the node's: on Netty a follower's {@link #replicaBarrier()} asks the leader itself
     * @param appliedIndex this member's applied index (Ratis' last applied, as the leader reports its own)
     * @param timer where a follower's barrier on Netty waits for its applied index
     * @param readTimeout how long a follower's barrier on Netty waits for the leader and then for its own apply
     */
    public GroupReads(Supplier<RaftServer> server, RaftGroupId group, Executor submitter, RaftTransport transport,
            LongSupplier appliedIndex, ScheduledExecutorService timer, Duration readTimeout) {
        this.server = requireNonNull(server, "server is null");
        this.group = requireNonNull(group, "group is null");
        this.submitter = requireNonNull(submitter, "submitter is null");
        this.transport = requireNonNull(transport, "transport is null");
        this.appliedIndex = requireNonNull(appliedIndex, "appliedIndex is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.readTimeout = requireNonNull(readTimeout, "readTimeout is null");
        this.leaderAppliedIndex = new LeaderAppliedIndex(server, group, transport, readTimeout, submitter);
    }

    /**
     * Completes once a strong read may run on local storage; fails (NOT_LEADER) when this member cannot prove it
     * leads.
     */
    public CompletableFuture<Void> barrier() {
        if (!isLeader()) {
            // Ratis 3.3.0 also serves LINEARIZABLE reads on followers (a ReadIndex asked of the leader): safe, but
            // strong reads belong to the partition's leader (§10), and a member that lost leadership must refuse.
            return CompletableFuture.failedFuture(new ProposalOutcome(ProposalOutcome.Reason.NOT_LEADER,
                    "this member does not lead " + group));
        }
        CompletableFuture<Void> started;
        synchronized (this) {
            if (inFlight != null) {
                if (next == null) {
                    next = new CompletableFuture<>();
                }
                return next;
            }
            started = newRound();
        }
        submit(started);
        return started;
    }

    /**
     * Completes once this member's storage holds every write acknowledged before the call, whether it leads or not:
     * on a follower Ratis asks the leader for its commit index (a ReadIndex, linearizable) and completes once this
     * member has applied it. For reads a follower answers from its own replica that must still see the latest
     * writes (a cluster node's table statistics, cluster.md §20 step 12). Not coalesced. On Netty, whose server has
     * no ReadIndex call between members, a follower asks the leader for its applied index instead
     * ({@link LeaderAppliedIndex}, cluster.md §10).
     */
    public CompletableFuture<Void> replicaBarrier() {
        if (transport == RaftTransport.NETTY && !isLeader()) {
            return followerBarrierOverClient();
        }
        CompletableFuture<Void> round = new CompletableFuture<>();
        RaftClientRequest request = readRequest();
        try {
            server.get().submitClientRequestAsync(request).whenCompleteAsync((reply, failure) -> {
                if (failure == null && reply.isSuccess()) {
                    round.complete(null);
                } else {
                    round.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_READY,
                            "replica read barrier of " + group + " failed: " + (failure != null ? failure
                                    : reply.getException())));
                }
            }, submitter);
        } catch (Exception e) {
            round.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_READY,
                    "replica read barrier of " + group + " failed: " + e));
        }
        return round;
    }

    /** A follower's barrier on Netty: the leader's applied index, then this member's apply up to it. */
    private CompletableFuture<Void> followerBarrierOverClient() {
        CompletableFuture<Void> round = new CompletableFuture<>();
        long deadline = System.nanoTime() + readTimeout.toNanos();
        leaderAppliedIndex.fetch().whenComplete((index, failure) -> {
            if (failure != null) {
                round.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_READY,
                        "replica read barrier of " + group + " failed: " + failure));
            } else {
                awaitApplied(index, deadline, round);
            }
        });
        return round;
    }

    /** Completes {@code round} on the submitter once this member applied {@code index}, or fails it at the deadline. */
    private void awaitApplied(long index, long deadline, CompletableFuture<Void> round) {
        if (appliedIndex.getAsLong() >= index) {
            try {
                submitter.execute(() -> round.complete(null));
            } catch (RejectedExecutionException e) {
                round.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_READY,
                        "replica read barrier of " + group + " failed: the node is closing"));
            }
        } else if (System.nanoTime() - deadline > 0) {
            round.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_READY, "replica read barrier of "
                    + group + ": this member did not apply index " + index + " within " + readTimeout));
        } else {
            try {
                timer.schedule(() -> awaitApplied(index, deadline, round), APPLIED_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                round.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_READY,
                        "replica read barrier of " + group + " failed: the node is closing"));
            }
        }
    }

    /** Closes the client a follower's barrier on Netty keeps (the member left the node, or the node stops). */
    @Override
    public void close() {
        leaderAppliedIndex.close();
    }

    /** An empty read-only request of this group: Ratis answers it once its read index is applied here (§10). */
    private RaftClientRequest readRequest() {
        return RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(server.get().getId())
                .setGroupId(group)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.EMPTY)
                .setType(RaftClientRequest.readRequestType())
                .build();
    }

    private boolean isLeader() {
        try {
            return server.get().getDivision(group).getInfo().isLeader();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** How many rounds went to Ratis (fewer than barriers when they were coalesced). */
    public synchronized long rounds() {
        return rounds;
    }

    /** Makes a new round the one in flight. Call holding the lock; submit it after releasing the lock. */
    private CompletableFuture<Void> newRound() {
        rounds++;
        inFlight = new CompletableFuture<>();
        return inFlight;
    }

    /** Sends a round to Ratis (never under the lock: its reply may complete on the calling thread). */
    private void submit(CompletableFuture<Void> round) {
        RaftClientRequest request = readRequest();
        try {
            server.get().submitClientRequestAsync(request)
                    .whenCompleteAsync((reply, failure) -> finish(round, reply, failure), submitter);
        } catch (Exception e) {
            finish(round, null, e);
        }
    }

    private void finish(CompletableFuture<Void> round, RaftClientReply reply, Throwable failure) {
        CompletableFuture<Void> waiting = null;
        CompletableFuture<Void> following = null;
        synchronized (this) {
            if (inFlight == round) {
                inFlight = null;
                waiting = next;
                next = null;
                if (waiting != null) {
                    following = newRound();
                }
            }
        }
        if (following != null) {
            CompletableFuture<Void> waiters = waiting;
            following.whenComplete((ignored, error) -> {
                if (error == null) {
                    waiters.complete(null);
                } else {
                    waiters.completeExceptionally(error);
                }
            });
            submit(following);
        }
        if (failure == null && reply.isSuccess()) {
            round.complete(null);
        } else {
            String detail = failure != null ? failure.toString() : String.valueOf(reply.getException());
            round.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_LEADER, "read barrier of "
                    + group + " failed: " + detail));
        }
    }
}
