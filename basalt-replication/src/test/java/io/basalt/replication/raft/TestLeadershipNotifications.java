package io.basalt.replication.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ratis gives leadership notifications holding its server's lock; a listener that waited there for a lock held by a
 * thread inside Ratis' submission deadlocked a resumed leader (cluster.md, step 14 as built). So the state machine
 * tells its listeners on the node's leadership thread: the Ratis thread returns at once, and the listeners hear every
 * notification in the order given.
 */
@Timeout(30)
class TestLeadershipNotifications {
    private final ExecutorService leadershipThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        leadershipThread.shutdownNow();
    }

    private RatisGroupStateMachine stateMachine() {
        return new RatisGroupStateMachine(7, GroupStorageFactory.inMemory(), machine -> { }, leadershipThread);
    }

    @Test
    void aBlockedListenerDoesNotHoldTheRatisThreadThatNotifies() throws Exception {
        RatisGroupStateMachine machine = stateMachine();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch told = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        machine.addLeadershipListener(new LeadershipListener() {
            @Override
            public void leaderReady(long commitIndex) {
            }

            @Override
            public void notLeader() {
                threads.add(Thread.currentThread().getName());
                try {
                    release.await(); // as a listener waiting for a lock that a thread inside Ratis holds
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                told.countDown();
            }
        });

        machine.notifyNotLeader(List.of()); // returns although the listener blocks

        assertThat(told.getCount()).isEqualTo(1);
        release.countDown();
        assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads).hasSize(1).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void listenersHearEveryNotificationInOrder() throws Exception {
        RatisGroupStateMachine machine = stateMachine();
        List<String> heard = new CopyOnWriteArrayList<>();
        machine.addLeadershipListener(new LeadershipListener() {
            @Override
            public void leaderReady(long commitIndex) {
                heard.add("ready " + commitIndex);
            }

            @Override
            public void notLeader() {
                heard.add("not leader");
            }
        });
        RaftGroupMemberId self = RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), RaftGroupId.randomId());

        machine.notifyLeaderChanged(self, RaftPeerId.valueOf("n2"));
        machine.notifyLeaderChanged(self, RaftPeerId.valueOf("n1")); // this member won: nothing to close
        machine.notifyNotLeader(List.of());
        machine.notifyGroupRemove();
        machine.close();

        // close() waits for the notifications given before it, so they have all run by now.
        assertThat(heard).containsExactly("not leader", "not leader", "not leader", "not leader");
    }

    @Test
    void guardsAreToldOnTheNotifyingThreadBeforeTheListeners() throws Exception {
        RatisGroupStateMachine machine = stateMachine();
        List<String> heard = new CopyOnWriteArrayList<>();
        String caller = Thread.currentThread().getName();
        machine.addLeadershipListener(new LeadershipListener() {
            @Override
            public void leaderReady(long commitIndex) {
            }

            @Override
            public void notLeader() {
                heard.add("listener");
            }
        });
        machine.addLeadershipGuard(new LeadershipListener() {
            @Override
            public void leaderReady(long commitIndex) {
            }

            @Override
            public void notLeader() {
                heard.add("guard on " + (Thread.currentThread().getName().equals(caller) ? "caller" : "other"));
            }
        });

        machine.notifyNotLeader(List.of());
        assertThat(heard).startsWith("guard on caller"); // told before notifyNotLeader returned
        machine.close();

        // The listeners run later, on the leadership thread; the guards each time on the notifying thread.
        assertThat(heard).containsExactlyInAnyOrder("guard on caller", "listener", "guard on caller", "listener");
    }
}
