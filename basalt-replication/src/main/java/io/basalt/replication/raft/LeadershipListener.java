package io.basalt.replication.raft;

/**
 * Told about this member's leadership of its group, from Ratis' notifications (docs/design/cluster.md §7.2). Runs on
 * Ratis' threads: never block.
 */
public interface LeadershipListener {
    /**
     * This member leads and the first entry of its term is committed ({@code notifyLeaderReady}).
     *
     * @param commitIndex the group's commit index at that moment: once it is applied here, the state is exactly
     *     the committed one
     */
    void leaderReady(long commitIndex);

    /** This member does not lead (any more): deposed, another peer won, or the member stops. */
    void notLeader();
}
