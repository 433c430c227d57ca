package io.basalt.cli;

import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * When this Basalt started, for the banner's "started in N ms": the moment the JVM was launched.
 *
 * <p>The {@code basalt} launcher passes that moment as {@value #LAUNCHED_AT_PROPERTY}, bash's
 * {@code $EPOCHREALTIME} taken just before it {@code exec}s Java: free to read, and it leaves out a build or a
 * class-data archive made before it. Otherwise (plain {@code java -jar}) the JVM's own start time is used, whose
 * management classes cost 4–6 ms of start-up on first use (docs/benchmarks.md). The process table's start instant
 * ({@code ProcessHandle.Info.startInstant()}) is not used, though cheaper: on Linux the JDK adds the process's
 * start tick to the boot time in whole seconds ({@code btime} of {@code /proc/stat}), so it is early by up to a
 * second, and the process (same pid across {@code exec}) includes the launcher's build.
 */
final class StartTime {
    static final String LAUNCHED_AT_PROPERTY = "basalt.launchedAt";

    private StartTime() {
    }

    /** Milliseconds from the launch of the JVM to now. */
    static long millisSinceLaunch() {
        long now = System.currentTimeMillis();
        OptionalLong launchedAt = epochMillis(System.getProperty(LAUNCHED_AT_PROPERTY));
        long start = launchedAt.isPresent() ? launchedAt.getAsLong()
                : ManagementFactory.getRuntimeMXBean().getStartTime();
        return Math.max(0, now - start);
    }

    /**
     * Reads bash's {@code $EPOCHREALTIME}: seconds since the epoch, a radix character (a point or, in some locales,
     * a comma) and microseconds. Empty for anything else, such as a bash older than 5.0, which leaves it empty.
     */
    static OptionalLong epochMillis(String epochRealTime) {
        if (epochRealTime == null) {
            return OptionalLong.empty();
        }
        int radix = Math.max(epochRealTime.indexOf('.'), epochRealTime.indexOf(','));
        if (radix <= 0 || radix == epochRealTime.length() - 1) {
            return OptionalLong.empty();
        }
        String fraction = epochRealTime.substring(radix + 1);
        if (!digits(epochRealTime.substring(0, radix)) || !digits(fraction) || radix > 12) {
            return OptionalLong.empty();
        }
        long seconds = Long.parseLong(epochRealTime.substring(0, radix));
        long millis = Long.parseLong((fraction + "000").substring(0, 3));
        return OptionalLong.of(seconds * 1000 + millis);
    }

    private static boolean digits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return !text.isEmpty();
    }
}
