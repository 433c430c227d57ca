package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.netty.NettyFactory;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpc;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.util.AwaitForSignal;

/**
 * Ratis' Netty transport whose leader tells a follower a new commit index as soon as it has one, as
 * {@link CommitPushingGrpc} does for gRPC (docs/design/cluster.md §18, "log metadata" and "transport"). Named by class
 * in {@code raft.rpc.type} ({@link RaftConfig}); Ratis instantiates it by reflection.
 *
 * <p>Ratis 3.3.0's Netty factory uses its default appender: a loop that sends one append at a time to its follower
 * and, when it has no entries to send and no heartbeat is due, sleeps until the leader signals it. The leader signals
 * every appender when its commit index moves ({@code LeaderStateImpl.notifySenders}), but the woken loop finds
 * nothing to send and sleeps again: without log metadata entries a follower would learn the new commit index at the
 * next write or heartbeat. The appender here wraps Ratis' default one and turns that signal into Ratis' own heartbeat
 * trigger when the follower's last reported commit index is behind the leader's and it has no entries waiting, or
 * an append to it is unanswered ({@code CommitPushingAppender.pushNow}; a signal that finds entries seemingly
 * waiting is looked at again 2 ms later): the loop then sends an empty append, which carries the leader's commit
 * index. The follower's reply reports its new
 * commit index, so there is one push per commit movement; an append with entries that goes first carries the commit
 * index and clears the trigger.
 */
public final class CommitPushingNetty implements RpcType {
    @Override
    public String name() {
        return "NETTY";
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    /** Ratis' Netty factory with {@link CommitPushingAppender}s. */
    private static final class Factory extends NettyFactory {
        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
            return new CommitPushingAppender(LogAppender.newLogAppenderDefault(server, state, follower));
        }
    }

    /**
     * Ratis' default appender, seen by the leader through this wrapper: every call goes to it, and a signal that
     * finds the follower's commit index behind the leader's becomes a heartbeat trigger.
     */
    static final class CommitPushingAppender implements LogAppender {
        private static final long RECHECK_MILLIS = 2;
        /**
         * Rechecks run on the JDK's delay thread itself: each is a few reads and at most a flag and a signal, never
         * blocking, and at most one is pending per follower. Not the common pool, which below three processors
         * starts a thread per task (cluster.md §20 step 15, "s19 writes").
         */
        private static final Executor RECHECK = CompletableFuture.delayedExecutor(RECHECK_MILLIS,
                TimeUnit.MILLISECONDS, Runnable::run);

        private final LogAppender appender;
        private final AtomicBoolean recheckScheduled = new AtomicBoolean();

        CommitPushingAppender(LogAppender appender) {
            this.appender = requireNonNull(appender, "appender is null");
        }

        @Override
        public void notifyLogAppender() {
            if (pushNow()) {
                appender.triggerHeartbeat();   // also signals the loop
                return;
            }
            appender.notifyLogAppender();
            if (commitIsNews() && recheckScheduled.compareAndSet(false, true)) {
                RECHECK.execute(this::recheck);
            }
        }

        /**
         * The follower's last reported commit index is behind the leader's, and either an append to it is unanswered
         * or it has no entries to receive. The leader signals on every new entry too, and a triggered heartbeat goes
         * out first and empty even with entries waiting (Ratis' {@code LogAppenderBase.newAppendEntriesRequest}
         * answers a heartbeat while one is due): triggering with entries waiting would put an empty round trip before
         * every append, which carries the commit index anyway. An unanswered append is the other case: the commit
         * index moved on another follower's answer while this one's append was out, and when its answer comes the
         * leader does not signal again (the commit index does not move), and Ratis' appender then finds its entries
         * sent and sleeps until the next heartbeat; the trigger set now makes it push when the answer is in.
         */
        private boolean pushNow() {
            if (!commitIsNews()) {
                return false;
            }
            FollowerInfo follower = appender.getFollower();
            boolean unanswered = follower.getLastRpcSendTime().compareTo(follower.getLastRpcResponseTime()) > 0;
            return unanswered || !appender.hasAppendEntries();
        }

        private boolean commitIsNews() {
            return appender.getRaftLog().getLastCommittedIndex() > appender.getFollower().getCommitIndex();
        }

        /**
         * Looks again {@link #RECHECK_MILLIS} after a signal that found entries seemingly waiting. Ratis' appender
         * moves the follower's next index only after handling an answer, and marks an append sent only after building
         * it: a signal in either gap sees entries "waiting" that are already answered, or already built with the old
         * commit index, and would otherwise be a missed push (a lone write applied a heartbeat late, TestCommitPush).
         */
        private void recheck() {
            recheckScheduled.set(false);
            if (appender.isRunning() && pushNow()) {
                appender.triggerHeartbeat();
            }
        }

        @Override
        public RaftServer.Division getServer() {
            return appender.getServer();
        }

        @Override
        public RaftServerRpc getServerRpc() {
            return appender.getServerRpc();
        }

        @Override
        public RaftLog getRaftLog() {
            return appender.getRaftLog();
        }

        @Override
        public void start() {
            appender.start();
        }

        @Override
        public boolean isRunning() {
            return appender.isRunning();
        }

        @Override
        public void stop() {
            appender.stop();
        }

        @Override
        public CompletableFuture<?> stopAsync() {
            return appender.stopAsync();
        }

        @Override
        public LeaderState getLeaderState() {
            return appender.getLeaderState();
        }

        @Override
        public FollowerInfo getFollower() {
            return appender.getFollower();
        }

        @Override
        public long getCallId() {
            return appender.getCallId();
        }

        @Override
        public Comparator<Long> getCallIdComparator() {
            return appender.getCallIdComparator();
        }

        @Override
        public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
                throws RaftLogIOException {
            return appender.newAppendEntriesRequest(callId, heartbeat);
        }

        @Override
        public InstallSnapshotRequestProto newInstallSnapshotNotificationRequest(TermIndex firstAvailable) {
            return appender.newInstallSnapshotNotificationRequest(firstAvailable);
        }

        @Override
        public Iterable<InstallSnapshotRequestProto> newInstallSnapshotRequests(String requestId,
                SnapshotInfo snapshot) {
            return appender.newInstallSnapshotRequests(requestId, snapshot);
        }

        @Override
        public TermIndex getPrevious(long nextIndex) {
            return appender.getPrevious(nextIndex);
        }

        @Override
        public SnapshotInfo shouldInstallSnapshot() {
            return appender.shouldInstallSnapshot();
        }

        @Override
        public TermIndex shouldNotifyToInstallSnapshot() {
            return appender.shouldNotifyToInstallSnapshot();
        }

        @Override
        public boolean shouldInstallSnapshot(boolean hasSnapshot) {
            return appender.shouldInstallSnapshot(hasSnapshot);
        }

        @Override
        public void run() throws InterruptedException, IOException {
            appender.run();
        }

        @Override
        public AwaitForSignal getEventAwaitForSignal() {
            return appender.getEventAwaitForSignal();
        }

        @Override
        public boolean shouldSendAppendEntries() {
            return appender.shouldSendAppendEntries();
        }

        @Override
        public boolean hasAppendEntries() {
            return appender.hasAppendEntries();
        }

        @Override
        public void triggerHeartbeat() {
            appender.triggerHeartbeat();
        }

        @Override
        public long getHeartbeatWaitTimeMs() {
            return appender.getHeartbeatWaitTimeMs();
        }

        @Override
        public boolean onFollowerTerm(long followerTerm) {
            return appender.onFollowerTerm(followerTerm);
        }

        @Override
        public String toString() {
            return appender.toString();
        }
    }
}
