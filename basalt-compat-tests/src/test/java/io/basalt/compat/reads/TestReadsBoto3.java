package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.basalt.testing.BasaltTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/python/smoke_reads_boto3.py} against an in-process Basalt server and requires every check
 * in it to pass. Needs python3 with boto3; without them the test fails and says what to install, unless
 * {@code -Dbasalt.skipCrossClient=true} turns that into a skipped test (as for the other cross-client smoke tests).
 */
class TestReadsBoto3 {
    private static final String SKIP_PROPERTY = "basalt.skipCrossClient";
    private static final String SCRIPT = "src/test/python/smoke_reads_boto3.py";
    private static final long TIMEOUT_SECONDS = 120;

    private static BasaltTestServer server;

    @BeforeAll
    static void startServer() {
        server = BasaltTestServer.inMemory();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void boto3ReadsSmokePasses() throws Exception {
        Result probe;
        try {
            probe = run(60, "python3", "-c", "import boto3, botocore");
        } catch (IOException e) {
            probe = new Result(-1, false, "cannot run python3: " + e.getMessage());
        }
        if (probe.exitCode != 0) {
            String message = "The boto3 reads smoke test needs python3 with boto3 (pip install boto3), or -D"
                    + SKIP_PROPERTY + "=true to skip it. (" + probe.output.strip() + ")";
            if (Boolean.getBoolean(SKIP_PROPERTY)) {
                Assumptions.abort(message);
            }
            fail(message);
        }
        Result result = run(TIMEOUT_SECONDS, "python3", script().toString(), server.endpoint().toString());
        System.out.println(result.output);
        assertThat(result.timedOut).withFailMessage("timed out; output so far:%n%s", result.output).isFalse();
        assertThat(result.exitCode).withFailMessage("exit %d; output:%n%s", result.exitCode, result.output).isZero();
        String lastLine = result.output.strip().lines().reduce((first, second) -> second).orElse("").strip();
        Matcher summary = Pattern.compile("boto3 reads smoke: (\\d+) passed, 0 failed").matcher(lastLine);
        assertThat(summary.matches()).withFailMessage("unexpected last line; output:%n%s", result.output).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).isPositive();
    }

    /** The script, whether the working directory is the module or the repository. */
    private static Path script() {
        for (Path candidate : List.of(Path.of(SCRIPT), Path.of("basalt-compat-tests").resolve(SCRIPT))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return fail("script %s not found from %s", SCRIPT, Path.of("").toAbsolutePath());
    }

    private static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        // Keep boto3 away from the developer's ~/.aws and from instance metadata.
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.remove("AWS_PROFILE");
        env.remove("AWS_ENDPOINT_URL");
        env.remove("AWS_ENDPOINT_URL_DYNAMODB");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONIOENCODING", "utf-8");
        Path log = Files.createTempFile("basalt-reads-boto3-", ".log");
        try {
            builder.redirectOutput(log.toFile());
            Process process = builder.start();
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(finished ? process.exitValue() : -1, !finished,
                    Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private record Result(int exitCode, boolean timedOut, String output) {
    }
}
