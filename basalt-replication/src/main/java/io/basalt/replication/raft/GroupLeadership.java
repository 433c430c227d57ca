package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.PartitionsListener;
import io.basalt.replication.PartitionLeader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>An open epoch follows the group's partitions (§6.2 step 4): a partition the group's log opens during the epoch
 * gets a leader from {@link EpochFactory#openPartition} (the others' writes go on), and a dropped one's leader is
 * closed and removed; {@link #opened} may also be called by the owner when it can now build a leader it could not
 * before (its catalog caught up). Both arrive from the applying thread under the state machine's lock and are
 * handed to the timer (one thread, so in order), so that this class never waits for the state machine's lock while
 * holding its own and the epoch factory may read the state machine.
 *
 * <p>Thread-safe; notifications arrive on Ratis' threads and never block here.
 */
public final class GroupLeadership implements LeadershipListener, PartitionsListener {
    private static final Logger LOG = LoggerFactory.getLogger(GroupLeadership.class);

    /** Builds an epoch's partition leaders from storage (every partition the group holds). */
    @FunctionalInterface
    public interface EpochFactory {
        Map<PartitionId, PartitionLeader> open(long epoch);

        /**
         * A leader for a partition opened during epoch {@code epoch}, or null when none can be built yet (the
         * owner calls {@link GroupLeadership#opened} again when it can).
         */
        default PartitionLeader openPartition(long epoch, GroupPartition partition) {
            return null;
        }

        /**
         * Told that epoch {@code epoch} closed (its partition leaders are closed): what the owner built beside them
         * for that epoch (a global index's leaders and propagators, cluster.md §15) must stop now.
         */
        default void closed(long epoch) {
        }

        /** Told that the group dropped {@code partitions} during the open epoch {@code epoch}. */
        default void dropped(long epoch, List<PartitionId> partitions) {
        }
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
                leaders = new HashMap<>(factory.open(++epochs));
            } catch (RuntimeException e) {
                // Storage failed: stay without an epoch (NOT_READY); the member's own apply path is fail-stop.
                LOG.error("Group {}: opening epoch {} failed", groupId, epochs, e);
                leaders = null;
            }
            awaitingApply = false;
            LOG.debug("Group {}: epoch {} open at commit index {}", groupId, epochs, commitIndex);
        }
    }

    /** Adds leaders, in the open epoch, for those of {@code partitions} it has none for (off this thread). */
    @Override
    public void opened(List<GroupPartition> partitions) {
        List<GroupPartition> copy = List.copyOf(partitions);
        timer.execute(() -> addLeaders(copy));
    }

    /** Closes and removes the open epoch's leaders of {@code partitions} (off this thread). */
    @Override
    public void dropped(long tableId, List<PartitionId> partitions) {
        List<PartitionId> copy = List.copyOf(partitions);
        timer.execute(() -> removeLeaders(copy));
    }

    private synchronized void addLeaders(List<GroupPartition> partitions) {
        if (leaders == null) {
            return; // not leading, or the epoch about to open reads the group's partitions itself
        }
        for (GroupPartition partition : partitions) {
            PartitionId id = partition.descriptor().id();
            if (leaders.containsKey(id)) {
                continue;
            }
            try {
                PartitionLeader leader = factory.openPartition(epochs, partition);
                if (leader != null) {
                    leaders.put(id, leader);
                }
            } catch (RuntimeException e) {
                LOG.error("Group {}: opening a leader for partition {} in epoch {} failed", groupId, id, epochs, e);
            }
        }
    }

    private synchronized void removeLeaders(List<PartitionId> partitions) {
        if (leaders == null) {
            return;
        }
        for (PartitionId id : partitions) {
            PartitionLeader leader = leaders.remove(id);
            if (leader != null) {
                leader.close();
            }
        }
        try {
            factory.dropped(epochs, partitions);
        } catch (RuntimeException e) {
            LOG.error("Group {}: closing what epoch {} built beside dropped partitions failed", groupId, epochs, e);
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
            try {
                factory.closed(epochs);
            } catch (RuntimeException e) {
                LOG.error("Group {}: closing what epoch {} built beside its leaders failed", groupId, epochs, e);
            }
        }
    }

    /**
     * The partition's leader in the current epoch.
     *
     * @throws ProposalOutcome NOT_LEADER when this member does not lead the group, NOT_READY while it catches up
     *     or while the open epoch has no leader for the partition (not opened in the group yet, or the node cannot
     *     build its leader yet): the caller knows whether the partition exists at all
     */
    public synchronized PartitionLeader leader(PartitionId partition) {
        if (leaders == null) {
            throw new ProposalOutcome(awaitingApply ? ProposalOutcome.Reason.NOT_READY
                    : ProposalOutcome.Reason.NOT_LEADER, "group " + groupId);
        }
        PartitionLeader leader = leaders.get(partition);
        if (leader == null) {
            throw new ProposalOutcome(ProposalOutcome.Reason.NOT_READY, "group " + groupId
                    + " has no leader for partition " + partition + " yet");
        }
        return leader;
    }

    /** Whether an epoch is open (this member leads and has caught up). */
    public synchronized boolean isLeading() {
        return leaders != null;
    }

    /** The partitions the open epoch has leaders for (empty when none is open). */
    public synchronized Set<PartitionId> ledPartitions() {
        return leaders == null ? Set.of() : Set.copyOf(leaders.keySet());
    }

    /** The open epoch's leaders (empty when none is open), for the owner's sweeps (transaction resolution). */
    public synchronized List<PartitionLeader> currentLeaders() {
        return leaders == null ? List.of() : List.copyOf(leaders.values());
    }

    /** The number of the current or last epoch. */
    public synchronized long epoch() {
        return epochs;
    }
}
