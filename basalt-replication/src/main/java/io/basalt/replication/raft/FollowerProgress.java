package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * What a group's leader knows of one follower's progress, read from Ratis' division info: when the follower last
 * answered (the leader's {@code RoleInfoProto} follower list) and the commit index it reported (the leader's commit
 * infos, updated from each append reply). Used to hand a group back to its preferred member only once that member is
 * up and caught up (docs/design/cluster.md §20, "s20 priorities"), as Ratis' own priority yield did.
 */
final class FollowerProgress {
    private FollowerProgress() {
    }

    /**
     * @return whether {@code division} leads its group, {@code peerId} is one of its followers, answered within
     *     {@code maxSilence}, and reported a commit index at most {@code maxLag} entries behind the leader's
     */
    static boolean isCaughtUp(RaftServer.Division division, String peerId, Duration maxSilence, long maxLag) {
        requireNonNull(peerId, "peerId is null");
        requireNonNull(maxSilence, "maxSilence is null");
        RoleInfoProto role = division.getInfo().getRoleInfoProto();
        if (!division.getInfo().isLeader() || !role.hasLeaderInfo()) {
            return false;
        }
        boolean heard = false;
        for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
            if (RaftPeerId.valueOf(follower.getId().getId()).toString().equals(peerId)
                    && follower.getLastRpcElapsedTimeMs() <= maxSilence.toMillis()) {
                heard = true;
            }
        }
        if (!heard) {
            return false;
        }
        long leaderCommit = division.getRaftLog().getLastCommittedIndex();
        for (CommitInfoProto info : division.getCommitInfos()) {
            if (RaftPeerId.valueOf(info.getServer().getId()).toString().equals(peerId)) {
                return info.getCommitIndex() >= leaderCommit - maxLag;
            }
        }
        return false;
    }
}
