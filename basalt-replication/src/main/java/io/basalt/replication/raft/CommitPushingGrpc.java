package io.basalt.replication.raft;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Not at once, though: {@link #PUSH_DELAY} after the appender first found only the commit index to send. A busy
 * group's next append follows its commit within a few milliseconds (the leader applies the entry, answers its writes,
 * and its submitter hands over what waited meanwhile, §7.1) and carries the commit index itself; a push sent at once
 * was a message and a reply per follower and per entry beside the appends, 11–20 % of the cluster's CPU per write in
 * s20's A/B (docs/benchmarks.md). Only a group that falls quiet still gets its push, that much later.
 */
public final class CommitPushingGrpc implements RpcType {
    /**
     * How long an appender with only the commit index to send waits for an append to carry it: several times what a
     * busy group takes from a commit to its next append on this machine kind, and far below what an eventually
     * consistent read through a follower notices.
     */
    static final Duration PUSH_DELAY = Duration.ofMillis(10);

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

    /**
     * Ratis' gRPC appender that sends an empty append when only the commit index has been news to the follower for
     * {@link #PUSH_DELAY}. Ratis calls it on the appender's own thread.
     */
    static final class CommitPushingAppender extends GrpcLogAppender {
        private static final long NONE = Long.MIN_VALUE;
        /** When ({@link System#nanoTime}) the appender first had only the commit index to send, else NONE. */
        private volatile long onlyCommitSince = NONE;

        CommitPushingAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            super(server, state, follower);
        }

        @Override
        public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
                throws RaftLogIOException {
            AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat);
            if (request != null || heartbeat || !commitIsNews()) {
                // An append (or Ratis' heartbeat) carries the commit index; or the follower has it.
                onlyCommitSince = NONE;
                return request;
            }
            long now = System.nanoTime();
            long since = onlyCommitSince;
            if (since == NONE) {
                onlyCommitSince = now;
                return null;
            }
            if (now - since < PUSH_DELAY.toNanos()) {
                return null;
            }
            onlyCommitSince = NONE;
            return super.newAppendEntriesRequest(callId, true);
        }

        /** Ratis' wait, but no longer than until a pending push is due (Ratis would sleep to the next heartbeat). */
        @Override
        public long getWaitTimeMs() {
            long wait = super.getWaitTimeMs();
            long since = onlyCommitSince;
            if (since == NONE) {
                return wait;
            }
            long dueInNanos = PUSH_DELAY.toNanos() - (System.nanoTime() - since);
            // At least 1 ms: a due push is sent by the next pass, and a zero wait would spin.
            return Math.min(wait, Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueInNanos) + 1));
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
