import io.basalt.embedded.EmbeddedBasalt;
import java.util.Arrays;

/**
 * Times io.basalt:basalt-embedded's in-memory server: the first start in a fresh JVM (class loading, Netty's native
 * library), then later starts and closes, as a test suite with a server per class sees them. Not a test: a measurement
 * for docs/benchmarks.md ("Embedding"). Run with the shaded jar alone on the class path:
 *
 *   java -cp basalt-embedded/target/basalt-embedded-0.1.0-SNAPSHOT.jar tools/bench/EmbeddedStartup.java [rounds]
 */
public final class EmbeddedStartup {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        long begin = System.nanoTime();
        EmbeddedBasalt first = EmbeddedBasalt.inMemory().start();
        long firstStart = System.nanoTime() - begin;
        first.call("ListTables", "{}");
        long firstRequest = System.nanoTime() - begin;
        boolean epoll = first.nativeTransport();
        first.close();

        double[] starts = new double[rounds];
        double[] closes = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            EmbeddedBasalt server = EmbeddedBasalt.inMemory().start();
            long t1 = System.nanoTime();
            server.call("ListTables", "{}");
            long t2 = System.nanoTime();
            server.close();
            long t3 = System.nanoTime();
            starts[i] = (t1 - t0) / 1e6;
            closes[i] = (t3 - t2) / 1e6;
        }
        Arrays.sort(starts);
        Arrays.sort(closes);
        System.out.printf("java %s, epoll %s%n", System.getProperty("java.version"), epoll);
        System.out.printf("first start %.1f ms, first response %.1f ms after it began%n", firstStart / 1e6,
                firstRequest / 1e6);
        System.out.printf("later starts (%d): median %.2f ms, p90 %.2f ms, max %.2f ms%n", rounds, starts[rounds / 2],
                starts[rounds * 9 / 10], starts[rounds - 1]);
        System.out.printf("closes: median %.2f ms, p90 %.2f ms%n", closes[rounds / 2], closes[rounds * 9 / 10]);
    }
}
