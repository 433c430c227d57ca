package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
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
public final class GroupReads {
    private final Supplier<RaftServer> server;
    private final RaftGroupId group;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private CompletableFuture<Void> inFlight;
    private CompletableFuture<Void> next;
    private long rounds;

    public GroupReads(Supplier<RaftServer> server, RaftGroupId group) {
        this.server = requireNonNull(server, "server is null");
        this.group = requireNonNull(group, "group is null");
    }

    /**
     * Completes once a strong read may run on local storage; fails (NOT_LEADER) when this member cannot prove it
     * leads.
     */
    public synchronized CompletableFuture<Void> barrier() {
        if (inFlight == null) {
            return startRound();
        }
        if (next == null) {
            next = new CompletableFuture<>();
        }
        return next;
    }

    /** How many rounds went to Ratis (fewer than barriers when they were coalesced). */
    public synchronized long rounds() {
        return rounds;
    }

    /** Starts a round and makes it the one in flight. Call holding the lock. */
    private CompletableFuture<Void> startRound() {
        rounds++;
        CompletableFuture<Void> round = new CompletableFuture<>();
        inFlight = round;
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(server.get().getId())
                .setGroupId(group)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.EMPTY)
                .setType(RaftClientRequest.readRequestType())
                .build();
        try {
            server.get().submitClientRequestAsync(request)
                    .whenComplete((reply, failure) -> finish(round, reply, failure));
        } catch (Exception e) {
            finish(round, null, e);
        }
        return round;
    }

    private void finish(CompletableFuture<Void> round, RaftClientReply reply, Throwable failure) {
        synchronized (this) {
            if (inFlight == round) {
                inFlight = null;
                CompletableFuture<Void> waiting = next;
                next = null;
                if (waiting != null) {
                    startRound().whenComplete((ignored, error) -> {
                        if (error == null) {
                            waiting.complete(null);
                        } else {
                            waiting.completeExceptionally(error);
                        }
                    });
                }
            }
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
