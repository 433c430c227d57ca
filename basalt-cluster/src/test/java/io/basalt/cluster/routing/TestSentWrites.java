package io.basalt.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.PartitionMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which leader changes end a write in flight early (docs/design/cluster.md §12.3, §20 "s21 isolation"): only a leader
 * of the write's group that became known after it was sent and is not the node it went to; never a map that still
 * names that node, names it again or names none, nor a leader that was already known when it was sent. The timer is a
 * real one; "not ended" is checked after several sweeps ({@link SentWrites#WATCHED_AFTER_MILLIS} plus a few {@link
 * SentWrites#SWEEP_MILLIS}).
 */
@Timeout(30)
class TestSentWrites {
    private static final long GROUP = 7;
    private static final long SEVERAL_SWEEPS_MILLIS = SentWrites.WATCHED_AFTER_MILLIS + 4 * SentWrites.SWEEP_MILLIS;

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final AtomicReference<ClusterState> map = new AtomicReference<>(mapLedBy(2));
    /** A leader hint learned from a NOT_LEADER answer, which the Router routes to before the map's (0: none). */
    private final AtomicLong learned = new AtomicLong();
    private final SentWrites writes = new SentWrites(timer, new ClusterView() {
        @Override
        public ClusterState current() {
            return map.get();
        }

        @Override
        public ClusterState refresh(long atLeastVersion) {
            return map.get();
        }
    }, group -> learned.get() != 0 ? learned.get() : group.leaderHint());

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aWriteToALeaderThatWasReplacedEndsAsAmbiguousOnlyOnceTheNewerLeaderIsKnown() throws Exception {
        CompletableFuture<Object> result = new CompletableFuture<>();
        writes.sending(2, GROUP, result);
        Thread.sleep(SEVERAL_SWEEPS_MILLIS);
        assertThat(result).as("the map still names the node the write went to").isNotDone();
        map.set(mapLedBy(0));
        Thread.sleep(SEVERAL_SWEEPS_MILLIS);
        assertThat(result).as("an election under way, which node 2 may win").isNotDone();
        map.set(mapLedBy(2));
        Thread.sleep(SEVERAL_SWEEPS_MILLIS);
        assertThat(result).as("node 2 won it").isNotDone();

        map.set(mapLedBy(3));
        assertEndedAsAmbiguous(result, "node 3 leads group 7 since");
        assertThat(writes.size()).isZero();
    }

    /** The write went to node 2 although the map named node 3 (suspect then, say): node 3 is not news. */
    @Test
    void aLeaderAlreadyKnownWhenTheWriteWasSentEndsNothing() throws Exception {
        map.set(mapLedBy(3));
        CompletableFuture<Object> result = new CompletableFuture<>();
        writes.sending(2, GROUP, result);
        Thread.sleep(SEVERAL_SWEEPS_MILLIS);
        assertThat(result).isNotDone();
        map.set(mapLedBy(1));
        assertEndedAsAmbiguous(result, "node 1 leads group 7 since");
    }

    /**
     * A NOT_LEADER answer taught node 2 over the map's node 3, and the write went to node 2; the hint is then
     * forgotten (another call to node 2 failed), so calls route to the map's node 3 again: that is the older leader the
     * hint had overridden, not a newer one.
     */
    @Test
    void theMapsLeaderShowingAgainWhenALearnedHintIsForgottenEndsNothing() throws Exception {
        map.set(mapLedBy(3));
        learned.set(2);
        CompletableFuture<Object> result = new CompletableFuture<>();
        writes.sending(2, GROUP, result);
        learned.set(0);
        Thread.sleep(SEVERAL_SWEEPS_MILLIS);
        assertThat(result).isNotDone();
        learned.set(1);
        assertEndedAsAmbiguous(result, "node 1 leads group 7 since");
    }

    @Test
    void anAnsweredWriteIsNoLongerWatchedAndTheSweepStopsWhenNoneIsInFlight() throws Exception {
        CompletableFuture<Object> result = new CompletableFuture<>();
        SentWrites.SentWrite sent = writes.sending(2, GROUP, result);
        assertThat(timer.getQueue()).as("the sweep is scheduled").hasSize(1);
        writes.answered(sent);
        result.complete("answered");
        map.set(mapLedBy(3));
        Thread.sleep(SEVERAL_SWEEPS_MILLIS);
        assertThat(result.get()).isEqualTo("answered");
        assertThat(writes.size()).isZero();
        assertThat(timer.getQueue()).as("no sweep while nothing is in flight").isEmpty();
        assertThat(timer.getCompletedTaskCount()).isEqualTo(1);

        // A later write starts the sweep again.
        CompletableFuture<Object> later = new CompletableFuture<>();
        writes.sending(3, GROUP, later);
        map.set(mapLedBy(1));
        assertEndedAsAmbiguous(later, "node 1 leads group 7 since");
    }

    /** The 500 a write's deadline gives, only sooner, with the leader change in its cause (logged as a WARN line). */
    private static void assertEndedAsAmbiguous(CompletableFuture<Object> result, String reason) {
        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(BasaltException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
                    assertThat(e.getMessage()).isEqualTo("Internal server error");
                    assertThat(e.getCause()).isInstanceOfSatisfying(RpcTransportException.class, cause -> {
                        assertThat(cause.failure()).isEqualTo(RpcTransportException.Failure.LEADER_CHANGED);
                        assertThat(cause.written()).isTrue();
                        assertThat(cause.getMessage()).contains(reason);
                    });
                });
    }

    private static ClusterState mapLedBy(long leader) {
        return new ClusterState(1, PartitionMap.of(List.of()), Map.of(GROUP,
                new ReplicationGroup(GROUP, List.of(1L, 2L, 3L), leader)), Map.of());
    }
}
