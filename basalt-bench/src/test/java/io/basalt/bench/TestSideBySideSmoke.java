package io.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code tools/bench/side-by-side.sh} from rotting: runs only its hermetic part (Basalt in memory and the
 * Netty ceiling, nothing downloaded) in quick mode with short durations and checks that the table has a figure for
 * every workload and target and that no response failed. Skipped when {@code wrk}, {@code taskset} or
 * {@code curl} is missing, or when the reactor has not built {@code basalt-cli/target/basalt.jar}.
 */
class TestSideBySideSmoke {

    private static final List<String> WORKLOADS = List.of("PutItem", "GetItem", "UpdateItem", "Query");

    @Test
    void quickRunOfBasaltInMemoryAndTheCeilingProducesFiguresWithoutErrors() throws Exception {
        for (String tool : List.of("wrk", "taskset", "curl")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not on the PATH: side-by-side harness smoke test skipped");
        }
        Path root = Path.of("").toAbsolutePath().getParent();
        Path script = root.resolve("tools/bench/side-by-side.sh");
        Path jar = root.resolve("basalt-cli/target/basalt.jar");
        assertThat(script).exists();
        Assumptions.assumeTrue(Files.isRegularFile(jar),
                jar + " is missing (build basalt-cli first): side-by-side harness smoke test skipped");

        Path out = Path.of("target/side-by-side-smoke.md").toAbsolutePath();
        Path log = Path.of("target/side-by-side-smoke.log").toAbsolutePath();
        Files.deleteIfExists(out);
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "--quick", "--targets",
                "basalt-memory,ceiling", "--seconds", "2", "--warmup", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("BASALT_JAR", jar.toString());
        builder.environment().put("BENCH_CEILING_CP", System.getProperty("java.class.path"));
        builder.environment().put("BENCH_KEYS", "10000");
        builder.environment().put("BENCH_OUT", out.toString());
        builder.environment().put("BENCH_PORT", Integer.toString(freePort()));
        Process process = builder.start();
        boolean finished = process.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("harness finished in time; output:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("harness exit status; output:%n%s", output).isZero();

        String table = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(table).contains("| workload | metric | basalt-memory | ceiling |", "No failed responses.")
                .doesNotContain("not run", "failed:");
        for (String workload : WORKLOADS) {
            assertThat(table).as(workload).containsPattern(
                    "\\| " + workload + " \\| ops/s \\| [1-9][0-9,]* \\| [1-9][0-9,]* \\|");
            assertThat(table).as(workload + " ratio").containsPattern(
                    "\\| " + workload + " \\| [0-9.]+× \\| [0-9.]+× \\|");
        }
        assertThat(table).containsPattern("\\| basalt-memory \\| ok \\| [0-9]+ ms \\| [0-9]+ MiB \\|")
                .containsPattern("\\| ceiling \\| ok \\| [0-9]+ ms \\| [0-9]+ MiB \\|");
    }

    /** A port nothing listens on now (the harness's default could be taken by a benchmark left running). */
    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean onPath(String tool) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
