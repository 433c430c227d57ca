package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

/**
 * Everything one node has for one replication group it is a member of: the state machine (storage, applied state),
 * the proposer and replicator (writes), the leadership (epochs of partition leaders) and the read barrier.
 */
public record GroupMember(long groupId, RatisGroupStateMachine stateMachine, GroupProposer proposer,
        RaftReplicator replicator, GroupLeadership leadership, GroupReads reads) {
    public GroupMember {
        requireNonNull(stateMachine, "stateMachine is null");
        requireNonNull(proposer, "proposer is null");
        requireNonNull(replicator, "replicator is null");
        requireNonNull(leadership, "leadership is null");
        requireNonNull(reads, "reads is null");
    }
}
