package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The banner's "started in N ms" counts from the JVM's launch, never more than the time a user waited. */
class TestStartTime {
    private static final Pattern STARTED_IN = Pattern.compile("started in (\\d+) ms");

    @Test
    void launcherTimeIsBashEpochRealTime() {
        assertThat(StartTime.epochMillis("1796613421.123456")).isEqualTo(OptionalLong.of(1796613421123L));
        assertThat(StartTime.epochMillis("1796613421,987654")).isEqualTo(OptionalLong.of(1796613421987L));
        assertThat(StartTime.epochMillis("1796613421.5")).isEqualTo(OptionalLong.of(1796613421500L));
        for (String unusable : new String[] {null, "", "1796613421", ".5", "1796613421.", "17966x3421.1",
                "-1.5", "1.2.3", "99999999999999999.0"}) {
            assertThat(StartTime.epochMillis(unusable)).as("%s", unusable).isEmpty();
        }
    }

    @Test
    void withoutTheLauncherTheJvmStartTimeIsUsed() throws Exception {
        assertStartedInAtMostTheWait(ServerProcess.serveCommand("--in-memory", "--port", "0"),
                System.currentTimeMillis(), false);
    }

    @Test
    void theLaunchersTimeIsUsedWhenGiven() throws Exception {
        List<String> command = new ArrayList<>(ServerProcess.serveCommand("--in-memory", "--port", "0"));
        long launchedAt = System.currentTimeMillis();
        command.add(1, "-D" + StartTime.LAUNCHED_AT_PROPERTY + "=" + launchedAt / 1000 + "."
                + String.format("%03d", launchedAt % 1000) + "000");
        assertStartedInAtMostTheWait(command, launchedAt, true);
    }

    /**
     * Starts the server and compares its figure with the wait measured here, from just before the process is
     * created to its banner: the figure may not exceed the wait (the process table's start instant, used before,
     * overstated it by up to a second); with the launcher's time, set here just before the process is created, it
     * is the wait less the passing of the banner through the pipe.
     */
    private static void assertStartedInAtMostTheWait(List<String> command, long before, boolean launcherTime)
            throws Exception {
        try (ServerProcess server = ServerProcess.start(command)) {
            long waited = System.currentTimeMillis() - before;
            Matcher matcher = STARTED_IN.matcher(server.startOutput());
            assertThat(matcher.find()).as(server.startOutput()).isTrue();
            long startedIn = Long.parseLong(matcher.group(1));
            assertThat(startedIn).as(server.startOutput()).isPositive().isLessThanOrEqualTo(waited);
            if (launcherTime) {
                assertThat(startedIn).isGreaterThanOrEqualTo(waited - 1_000);
            }
        }
    }
}
