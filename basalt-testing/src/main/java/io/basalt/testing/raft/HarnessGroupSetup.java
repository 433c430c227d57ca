package io.basalt.testing.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.replication.PartitionLeader;
import io.basalt.replication.raft.GroupLeadership;
import io.basalt.replication.raft.RaftNode;
import io.basalt.replication.raft.RaftReplicator;
import io.basalt.replication.raft.RatisGroupStateMachine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * What a {@link RaftGroupHarness} group holds: every member opens the group's {@link
 * RaftGroupHarness#partitionsPerGroup()} partitions of table {@link RaftGroupHarness#tableId tableId(g)}, and each
 * epoch of a leader builds a {@link PartitionLeader} per partition over the member's storage, sequencing on the
 * harness' {@code pool}.
 */
final class HarnessGroupSetup implements RaftNode.GroupSetup {
    private final RaftGroupHarness harness;
    private final ExecutorService pool;

    HarnessGroupSetup(RaftGroupHarness harness, ExecutorService pool) {
        this.harness = requireNonNull(harness, "harness is null");
        this.pool = requireNonNull(pool, "pool is null");
    }

    @Override
    public Consumer<GroupStateMachine> partitionOpener(long groupId) {
        return machine -> {
            for (int i = 0; i < harness.partitionsPerGroup(); i++) {
                machine.openPartition(harness.descriptor(groupId, i), List.of());
            }
        };
    }

    @Override
    public GroupLeadership.EpochFactory epochFactory(long groupId, RatisGroupStateMachine stateMachine,
            RaftReplicator replicator) {
        return epoch -> {
            Map<PartitionId, PartitionLeader> leaders = new LinkedHashMap<>();
            for (int i = 0; i < harness.partitionsPerGroup(); i++) {
                PartitionDescriptor descriptor = harness.descriptor(groupId, i);
                leaders.put(descriptor.id(), new PartitionLeader(descriptor, stateMachine.storage(),
                        RaftGroupHarness.SCHEMA, System::currentTimeMillis, replicator, pool, index -> { }));
            }
            return leaders;
        };
    }
}
