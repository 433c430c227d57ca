package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionId;
import io.basalt.replication.PartitionLeader;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a member's leadership into epochs of partition leaders (docs/design/cluster.md §7.2). When Ratis says the
 * member leads and its term's first entry is committed ({@link #leaderReady}), the commit index {@code c} of that
 * moment is recorded; once this member has applied {@code c}, a new epoch opens: a fresh {@link PartitionLeader}
 * (state, overlay, holds) built from storage for each partition of the group, so the first evaluation sees exactly
 * the committed state. Until then {@link #leader} answers {@link ProposalOutcome.Reason#NOT_READY}. When the member
 * stops leading ({@link #notLeader}) the epoch closes at once: its partition leaders stop accepting and are dropped
 * with their overlays; their proposals in flight stay in the {@link RaftReplicator}'s resolution table. A partition's
 * sequencer never outlives its epoch, so two epochs never evaluate concurrently on one member.
 *
 * <p>Thread-safe; notifications arrive on Ratis' threads and never block here.
 */
public final class GroupLeadership implements LeadershipListener {
    private static final Logger LOG = LoggerFactory.getLogger(GroupLeadership.class);

    /** Builds an epoch's partition leaders from storage (every partition the group holds). */
    @FunctionalInterface
    public interface EpochFactory {
        Map<PartitionId, PartitionLeader> open(long epoch);
    }

    private final long groupId;
    private final EpochFactory factory;
    private final LongSupplier appliedIndex;
    private final ScheduledExecutorService timer;
    /** Bumped by every leadership notification, so a stale wait for the applied index opens nothing. */
    private long generation;
    private long epochs;
    private Map<PartitionId, PartitionLeader> leaders;
    private boolean awaitingApply;

    /**
     * @param appliedIndex Ratis' last applied index of this member (leader no-ops included)
     * @param timer runs the short waits until the commit index is applied
     */
    public GroupLeadership(long groupId, EpochFactory factory, LongSupplier appliedIndex,
            ScheduledExecutorService timer) {
        this.groupId = groupId;
        this.factory = requireNonNull(factory, "factory is null");
        this.appliedIndex = requireNonNull(appliedIndex, "appliedIndex is null");
        this.timer = requireNonNull(timer, "timer is null");
    }

    @Override
    public void leaderReady(long commitIndex) {
        long expected;
        synchronized (this) {
            closeEpoch();
            expected = ++generation;
            awaitingApply = true;
        }
        timer.execute(() -> openWhenApplied(expected, commitIndex));
    }

    private void openWhenApplied(long expected, long commitIndex) {
        synchronized (this) {
            if (generation != expected) {
                return;
            }
            if (appliedIndex.getAsLong() < commitIndex) {
                timer.schedule(() -> openWhenApplied(expected, commitIndex), 2, TimeUnit.MILLISECONDS);
                return;
            }
            try {
                leaders = Map.copyOf(factory.open(++epochs));
            } catch (RuntimeException e) {
                // Storage failed: stay without an epoch (NOT_READY); the member's own apply path is fail-stop.
                LOG.error("Group {}: opening epoch {} failed", groupId, epochs, e);
                leaders = null;
            }
            awaitingApply = false;
            LOG.debug("Group {}: epoch {} open at commit index {}", groupId, epochs, commitIndex);
        }
    }

    @Override
    public void notLeader() {
        synchronized (this) {
            generation++;
            awaitingApply = false;
            closeEpoch();
        }
    }

    private void closeEpoch() {
        Map<PartitionId, PartitionLeader> closing = leaders;
        leaders = null;
        if (closing != null) {
            // Stop accepting; what they appended resolves through the replicator's table.
            closing.values().forEach(PartitionLeader::close);
        }
    }

    /**
     * The partition's leader in the current epoch.
     *
     * @throws ProposalOutcome NOT_LEADER when this member does not lead the group, NOT_READY while it catches up,
     *     NOT_LEADER too when the group does not hold the partition
     */
    public synchronized PartitionLeader leader(PartitionId partition) {
        if (leaders == null) {
            throw new ProposalOutcome(awaitingApply ? ProposalOutcome.Reason.NOT_READY
                    : ProposalOutcome.Reason.NOT_LEADER, "group " + groupId);
        }
        PartitionLeader leader = leaders.get(partition);
        if (leader == null) {
            throw new ProposalOutcome(ProposalOutcome.Reason.NOT_LEADER, "group " + groupId
                    + " does not hold partition " + partition);
        }
        return leader;
    }

    /** Whether an epoch is open (this member leads and has caught up). */
    public synchronized boolean isLeading() {
        return leaders != null;
    }

    /** The number of the current or last epoch. */
    public synchronized long epoch() {
        return epochs;
    }
}
