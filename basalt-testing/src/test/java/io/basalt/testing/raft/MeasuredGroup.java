package io.basalt.testing.raft;

import io.basalt.partition.EvaluatedWrite;
import io.basalt.replication.raft.GroupProposer;
import io.basalt.replication.raft.RaftNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The set-up the hand-run write measurements share ({@link MeasureRaftLatency}, {@link MeasureRaftWrites}): one
 * 3-member group of four partitions in one JVM, its leader elected, writes sent through the leader's
 * {@code PartitionLeader} of each key's partition, and the leader's applied index and proposer to count what they
 * cost. Close it.
 */
final class MeasuredGroup implements AutoCloseable {
    private static final long GROUP = 1;
    private static final int PARTITIONS = 4;

    private final RaftGroupHarness harness;
    private final int leader;

    private MeasuredGroup(RaftGroupHarness harness, int leader) {
        this.harness = harness;
        this.leader = leader;
    }

    /** Starts the group with the proposer's {@code window} (entries in flight before packing) and awaits a leader. */
    static MeasuredGroup start(Path directory, int window) throws IOException {
        RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(PARTITIONS)
                .maxInFlight(window).start();
        try {
            return new MeasuredGroup(harness, harness.awaitLeader(GROUP, Duration.ofSeconds(15)));
        } catch (RuntimeException e) {
            harness.close();
            throw e;
        }
    }

    /** {@link #start(Path, int)} with the node's default window. */
    static MeasuredGroup start(Path directory) throws IOException {
        return start(directory, RaftNode.DEFAULT_WINDOW);
    }

    /** Puts item {@code pk} with {@code value} through the leader of its partition. */
    CompletableFuture<EvaluatedWrite> put(String pk, int value) {
        return harness.leader(leader, GROUP, RaftTestItems.partitionOf(harness, GROUP, pk))
                .write(RaftTestItems.itemKey(harness, GROUP, pk), RaftTestItems.put(pk, value));
    }

    /** The leader's last applied log index: differences count the Raft entries a run cost. */
    long appliedIndex() {
        return harness.member(leader, GROUP).stateMachine().lastAppliedIndex();
    }

    /** The leader's proposer (how many submissions it packed). */
    GroupProposer proposer() {
        return harness.member(leader, GROUP).proposer();
    }

    @Override
    public void close() {
        harness.close();
    }
}
