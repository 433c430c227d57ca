package io.basalt.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link PreferredLeaders}' waits between attempts ({@link HandBackSchedule}), as values: after a failed transfer 5 s
 * doubling to 60 s, after a hand-back 5 s, per group — on given instants, no sleeping.
 */
class TestHandBackSchedule {
    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aGroupNeverTriedIsDue() {
        assertThat(new HandBackSchedule().isDue(3, START)).isTrue();
    }

    @Test
    void failuresInARowWaitFiveSecondsDoublingToSixty() {
        HandBackSchedule schedule = new HandBackSchedule();
        Instant now = START;
        for (long seconds : new long[] {5, 10, 20, 40, 60, 60, 60}) {
            Duration wait = schedule.failed(7, now);
            assertThat(wait).isEqualTo(Duration.ofSeconds(seconds));
            assertThat(schedule.isDue(7, now.plus(wait).minusMillis(1))).as("before %s s", seconds).isFalse();
            now = now.plus(wait);
            assertThat(schedule.isDue(7, now)).as("at %s s", seconds).isTrue();
        }
    }

    @Test
    void aHandBackWaitsTheMinimumIntervalAndClearsTheBackoff() {
        HandBackSchedule schedule = new HandBackSchedule();
        schedule.failed(7, START);
        schedule.failed(7, START.plusSeconds(5));
        Instant handedBack = START.plusSeconds(15);
        schedule.handedBack(7, handedBack);
        assertThat(schedule.isDue(7, handedBack.plus(HandBackSchedule.MIN_INTERVAL).minusMillis(1))).isFalse();
        assertThat(schedule.isDue(7, handedBack.plus(Duration.ofSeconds(5)))).isTrue();
        // The next failure starts again from the first backoff, not from where the earlier ones had got to.
        assertThat(schedule.failed(7, handedBack.plusSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void eachGroupHasItsOwnSchedule() {
        HandBackSchedule schedule = new HandBackSchedule();
        schedule.failed(1, START);
        schedule.failed(1, START.plusSeconds(5));
        schedule.handedBack(2, START);
        assertThat(schedule.isDue(3, START)).isTrue();
        assertThat(schedule.isDue(2, START.plusSeconds(5))).isTrue();
        assertThat(schedule.isDue(1, START.plusSeconds(14))).isFalse();
        assertThat(schedule.failed(2, START.plusSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(schedule.failed(1, START.plusSeconds(15))).isEqualTo(Duration.ofSeconds(20));
    }
}
