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
 * Ratis' Netty transport whose leader tells a follower a new commit index promptly when nothing else will, as
 * {@link CommitPushingGrpc} does for gRPC (docs/design/cluster.md §18, "log metadata" and "transport"). Named by class
 * in {@code raft.rpc.type} ({@link RaftConfig}); Ratis instantiates it by reflection.
 *
 * <p>Ratis 3.3.0's Netty factory uses its default appender: a loop that sends one append at a time to its follower
 * and, when it has no entries to send and no heartbeat is due, sleeps until the leader signals it. The leader signals
 * every appender when its commit index moves ({@code LeaderStateImpl.notifySenders}), but the woken loop finds
 * nothing to send and sleeps again: without log metadata entries a follower would learn the new commit index at the
 * next write or heartbeat. The appender here wraps Ratis' default one and, {@link CommitPushingGrpc#PUSH_DELAY} after
 * a signal that found the follower's last reported commit index behind the leader's, looks again
 * ({@code CommitPushingAppender.check}): if the follower still lacks that commit index and no append is on its way
 * to carry it, it sets Ratis' own heartbeat trigger, and the loop sends an empty append, which carries the leader's
 * commit index. Not at once: a busy group's next append follows its commit within milliseconds and carries it, and a
 * push at once was an empty round trip per follower and per entry beside the appends (cluster.md §18, "s20").
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
         * The checks run on the JDK's delay thread itself: each is a few reads and at most a trigger (a flag and a
         * signal) or a new schedule, never blocking, and at most one is pending per follower. Not the common pool,
         * which below three processors starts a thread per task (cluster.md §20 step 15, "s19 writes").
         */
        private static final Executor PUSH_CHECK = CompletableFuture.delayedExecutor(
                CommitPushingGrpc.PUSH_DELAY.toMillis(), TimeUnit.MILLISECONDS, Runnable::run);
        private static final Executor RECHECK = CompletableFuture.delayedExecutor(RECHECK_MILLIS,
                TimeUnit.MILLISECONDS, Runnable::run);

        private final LogAppender appender;
        private final AtomicBoolean checkScheduled = new AtomicBoolean();

        CommitPushingAppender(LogAppender appender) {
            this.appender = requireNonNull(appender, "appender is null");
        }

        @Override
        public void notifyLogAppender() {
            appender.notifyLogAppender();
            long commit = appender.getRaftLog().getLastCommittedIndex();
            if (commit > appender.getFollower().getCommitIndex() && checkScheduled.compareAndSet(false, true)) {
                PUSH_CHECK.execute(() -> check(commit));
            }
        }

        /**
         * Pushes {@code commit} (the leader's commit index {@link CommitPushingGrpc#PUSH_DELAY} ago) if the follower
         * still lacks it and nothing on its way will carry it. An append built after the commit moved carries it, so
         * a busy group's follower has it by now and nothing is sent; the check then follows the commit index that
         * is news now. An unanswered append, or entries waiting, may carry it: looked at again {@link #RECHECK_MILLIS}
         * later. Ratis' appender moves the follower's next index only after handling an answer and marks an append
         * sent only after building it, so "entries waiting" can be stale for a moment; and when an append built
         * before the commit moved is answered, the leader does not signal again (its commit index did not move) and
         * Ratis' loop sleeps to the next heartbeat: the recheck then finds nothing on its way and pushes. A follower
         * silent for longer than the minimum election timeout gets Ratis' heartbeats only.
         */
        private void check(long commit) {
            if (!appender.isRunning()) {
                checkScheduled.set(false);
                return;
            }
            FollowerInfo follower = appender.getFollower();
            if (follower.getCommitIndex() >= commit) {
                long now = appender.getRaftLog().getLastCommittedIndex();
                if (now > follower.getCommitIndex()) {
                    PUSH_CHECK.execute(() -> check(now));
                    return;
                }
                checkScheduled.set(false);
                // A signal that came while this check was pending scheduled nothing: look once more.
                long later = appender.getRaftLog().getLastCommittedIndex();
                if (later > follower.getCommitIndex() && checkScheduled.compareAndSet(false, true)) {
                    PUSH_CHECK.execute(() -> check(later));
                }
                return;
            }
            if (follower.getLastRpcResponseTime().elapsedTimeMs()
                    >= appender.getServer().properties().minRpcTimeoutMs()) {
                checkScheduled.set(false);
                return;
            }
            boolean unanswered = follower.getLastRpcSendTime().compareTo(follower.getLastRpcResponseTime()) > 0;
            if (unanswered || appender.hasAppendEntries()) {
                RECHECK.execute(() -> check(commit));
                return;
            }
            checkScheduled.set(false);
            appender.triggerHeartbeat();   // also signals the loop
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
