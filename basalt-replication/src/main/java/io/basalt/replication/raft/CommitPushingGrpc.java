package io.basalt.replication.raft;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLogIOException;

/**
 * Ratis' gRPC transport whose leader tells a follower a new commit index as soon as it has one
 * (docs/design/cluster.md §18, "log metadata"). Named by class in {@code raft.rpc.type} ({@link RaftConfig}); Ratis
 * instantiates it by reflection, hence the public no-argument constructor.
 *
 * <p>Why: Ratis 3.3.0's appender wakes when the leader's commit index moves and sees the follower behind it, but it
 * only sends when there are entries to send or a heartbeat is due ({@code LogAppenderBase.newAppendEntriesRequest}
 * answers nothing otherwise). Its log metadata entries were what carried the commit index at once: a second Raft entry
 * per write, appended, replicated and fsynced on every member like the write itself. With them off, a follower would
 * learn a new commit index only at the next write or heartbeat (a third of the minimum election timeout later on an
 * idle group), so it would apply, and answer eventually consistent reads, that much later. Here, when the appender
 * has nothing to send and the follower's commit index is behind the leader's, it sends an empty append (Ratis' own
 * heartbeat request, which carries the leader's commit index): one small message instead of a log entry.
 */
public final class CommitPushingGrpc implements RpcType {
    @Override
    public String name() {
        return "GRPC";
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    /** Ratis' gRPC factory with {@link CommitPushingAppender}s. */
    private static final class Factory extends GrpcFactory {
        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            return new CommitPushingAppender(server, state, follower);
        }
    }

    /** Ratis' gRPC appender that sends an empty append when only the commit index is news to the follower. */
    static final class CommitPushingAppender extends GrpcLogAppender {
        CommitPushingAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            super(server, state, follower);
        }

        @Override
        public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
                throws RaftLogIOException {
            AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat);
            if (request == null && !heartbeat && commitIsNews()) {
                return super.newAppendEntriesRequest(callId, true);
            }
            return request;
        }

        /**
         * The follower's last reported commit index is behind the leader's, no append to it is unanswered (its
         * reply reports the follower's commit index and wakes this appender again, so at most one push is in flight)
         * and it answered within the heartbeat interval (a follower that is down gets Ratis' heartbeats only).
         */
        private boolean commitIsNews() {
            FollowerInfo follower = getFollower();
            return getRaftLog().getLastCommittedIndex() > follower.getCommitIndex()
                    && !hasPendingDataRequests()
                    && follower.getLastRpcResponseTime().elapsedTimeMs() < getServer().properties().minRpcTimeoutMs();
        }
    }
}
