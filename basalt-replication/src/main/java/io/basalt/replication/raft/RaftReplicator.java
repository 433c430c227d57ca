package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.ApplyListener;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.replication.Replicator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Replicator} of one Raft group member, so that {@code PartitionLeader} runs unchanged over a group. Each
 * appended entry is stamped with a nonce unique to this member's proposals and submitted through the
 * {@link GroupProposer}; its future is decided by <b>what this member applies at the entry's (partition, sequence)</b>,
 * never by the Ratis reply alone (docs/design/cluster.md §7.3):
 * <ul>
 * <li>an entry with the same nonce applied → success;</li>
 * <li>an entry with another nonce applied at that sequence, or ours rejected, or Ratis refused ours before logging
 * it → {@link ProposalOutcome.Reason#NOT_APPLIED};</li>
 * <li>nothing within the ambiguous-write timeout → {@link ProposalOutcome.Reason#AMBIGUOUS} (a 500).</li>
 * </ul>
 * The table outlives leadership: proposals of a deposed leader keep resolving while the member applies as a
 * follower. Thread-safe; the apply listener runs on Ratis' updater thread.
 */
public final class RaftReplicator implements Replicator, ApplyListener {
    private final GroupProposer proposer;
    private final ScheduledExecutorService timer;
    private final Duration ambiguousTimeout;
    /** A random prefix per member instance and a counter: nonces of two proposers never collide in practice. */
    private static final long PREFIX_MASK = 0xFFFF_FFFF_0000_0000L;

    private final long noncePrefix = new SecureRandom().nextLong() & PREFIX_MASK;
    private final AtomicLong nonceCounter = new AtomicLong();
    private final Map<Key, List<Pending>> pending = new HashMap<>();
    private volatile boolean closed;

    private record Key(PartitionId partition, long sequence) {
    }

    private record Pending(long nonce, long sequence, CompletableFuture<Void> done) {
    }

    /** @param timer decides unresolved proposals after {@code ambiguousTimeout}; best with remove-on-cancel on */
    public RaftReplicator(GroupProposer proposer, ScheduledExecutorService timer, Duration ambiguousTimeout) {
        this.proposer = requireNonNull(proposer, "proposer is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.ambiguousTimeout = requireNonNull(ambiguousTimeout, "ambiguousTimeout is null");
    }

    @Override
    public CompletableFuture<Void> append(PartitionEntry entry) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED, "member closed"));
            return done;
        }
        long nonce = noncePrefix | (nonceCounter.incrementAndGet() & 0xFFFF_FFFFL);
        PartitionEntry stamped = new PartitionEntry(entry.partition(), entry.tableId(), entry.sequence(), nonce,
                entry.timestampMillis(), entry.operations());
        Key key = new Key(entry.partition(), entry.sequence());
        Pending mine = new Pending(nonce, entry.sequence(), done);
        synchronized (pending) {
            pending.computeIfAbsent(key, k -> new ArrayList<>(1)).add(mine);
        }
        proposer.propose(stamped).whenComplete((ignored, failure) -> {
            if (failure instanceof ProposalOutcome outcome && outcome.reason() == ProposalOutcome.Reason.NOT_APPLIED
                    && forget(key, mine)) {
                done.completeExceptionally(outcome);
            }
            // Anything else is decided by the applied stream: success replies arrive after this member applied
            // the entry, and a failed reply (e.g. the leader stepped down) may still be followed by a commit.
        });
        ScheduledFuture<?> timeout = timer.schedule(() -> {
            if (forget(key, mine)) {
                done.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.AMBIGUOUS, "entry "
                        + entry.sequence() + " of partition " + entry.partition() + " unresolved after "
                        + ambiguousTimeout));
            }
        }, ambiguousTimeout.toMillis(), TimeUnit.MILLISECONDS);
        // Resolved proposals drop their timeout at once rather than keep the timer's queue full for its length.
        done.whenComplete((ignored, failure) -> timeout.cancel(false));
        return done;
    }

    private boolean forget(Key key, Pending mine) {
        synchronized (pending) {
            List<Pending> waiting = pending.get(key);
            if (waiting == null || !waiting.remove(mine)) {
                return false;
            }
            if (waiting.isEmpty()) {
                pending.remove(key);
            }
            return true;
        }
    }

    /**
     * Another proposer's entry of the partition applied: every proposal of ours for the partition is decided as not
     * applied. Ours that can still apply were appended while this member led, in an earlier term than any entry of
     * a later leader (the proposer drops what it had not submitted when leadership goes), so they come earlier in the
     * log and have been applied or rejected by now; what is left never made it into the log. Call holding the lock.
     */
    private void decideSupersededBy(PartitionEntry applied, List<Pending> decided) {
        var entries = pending.entrySet().iterator();
        while (entries.hasNext()) {
            var candidate = entries.next();
            if (candidate.getKey().partition().equals(applied.partition())) {
                decided.addAll(candidate.getValue());
                entries.remove();
            }
        }
    }

    /** How many proposals wait for their outcome. */
    public int pendingCount() {
        synchronized (pending) {
            return pending.values().stream().mapToInt(List::size).sum();
        }
    }

    @Override
    public void applied(long term, long index, LogEntry entry, List<ApplyOutcome> outcomes) {
        if (entry instanceof PartitionEntry single) {
            resolve(single, outcomes.get(0));
        } else if (entry instanceof MultiEntry multi) {
            List<PartitionEntry> inner = multi.entries();
            for (int i = 0; i < inner.size(); i++) {
                resolve(inner.get(i), outcomes.get(i));
            }
        }
        // A part of an oversized entry decides nothing: its last part is reported as the whole entry.
    }

    private void resolve(PartitionEntry applied, ApplyOutcome outcome) {
        Key key = new Key(applied.partition(), applied.sequence());
        List<Pending> decided = new ArrayList<>();
        synchronized (pending) {
            List<Pending> waiting = pending.get(key);
            if (waiting == null) {
                return;
            }
            if (outcome == ApplyOutcome.APPLIED) {
                // Whatever applied at this sequence decides every proposal for it.
                decided.addAll(waiting);
                pending.remove(key);
            } else {
                // A rejected entry decides only itself: another proposal for the sequence may still apply.
                for (Pending candidate : waiting) {
                    if (candidate.nonce() == applied.nonce()) {
                        decided.add(candidate);
                    }
                }
                waiting.removeAll(decided);
                if (waiting.isEmpty()) {
                    pending.remove(key);
                }
            }
            if (outcome == ApplyOutcome.APPLIED && (applied.nonce() & PREFIX_MASK) != noncePrefix
                    && !pending.isEmpty()) {
                decideSupersededBy(applied, decided);
            }
        }
        for (Pending resolved : decided) {
            if (outcome == ApplyOutcome.APPLIED && resolved.nonce() == applied.nonce()
                    && applied.sequence() == resolved.sequence()) {
                resolved.done().complete(null);
            } else {
                resolved.done().completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED,
                        "entry " + resolved.sequence() + " of partition " + applied.partition() + " was "
                                + (outcome == ApplyOutcome.APPLIED ? "superseded by another proposal" : "rejected")));
            }
        }
    }

    /**
     * Stops accepting entries (the member stops). Proposals still unresolved can no longer be decided here: they
     * fail as {@link ProposalOutcome.Reason#AMBIGUOUS}, as their timeout would have.
     */
    @Override
    public void close() {
        closed = true;
        List<Pending> unresolved = new ArrayList<>();
        synchronized (pending) {
            pending.values().forEach(unresolved::addAll);
            pending.clear();
        }
        for (Pending proposal : unresolved) {
            proposal.done().completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.AMBIGUOUS,
                    "the member stopped before the entry resolved"));
        }
    }
}
