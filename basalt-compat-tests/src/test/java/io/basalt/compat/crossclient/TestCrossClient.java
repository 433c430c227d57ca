package io.basalt.compat.crossclient;

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
 * Runs the boto3 and AWS CLI smoke scripts against an in-process Basalt server and requires every check in them to
 * pass. The tools must be installed (CI installs them); without them the test fails and names what to install,
 * unless {@code -Dbasalt.skipCrossClient=true} is given, which turns the missing tool into a skipped test.
 * {@code -Dbasalt.crossClient=false} skips them all, tools or not, without starting a server (README, "Quick start").
 */
class TestCrossClient {
    private static final String SKIP_PROPERTY = "basalt.skipCrossClient";
    private static final String ENABLED_PROPERTY = "basalt.crossClient";
    private static final long PROBE_TIMEOUT_SECONDS = 60;
    private static final long BOTO3_TIMEOUT_SECONDS = 120;
    private static final long CLI_TIMEOUT_SECONDS = 240;

    private static BasaltTestServer server;

    @BeforeAll
    static void startServer() {
        Assumptions.assumeFalse("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY)),
                "-D" + ENABLED_PROPERTY + "=false: the boto3 and AWS CLI smoke tests are skipped");
        server = BasaltTestServer.inMemory();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void boto3ClientAndResourceApisWork() throws Exception {
        runBoto3("smoke_boto3.py", "boto3 smoke");
    }

    /** boto3's Query/Scan paginators, parallel scan, batch_writer and batch_get_item. */
    @Test
    void boto3ReadsAndBatchesWork() throws Exception {
        runBoto3("smoke_reads_boto3.py", "boto3 reads smoke");
    }

    /** boto3 on local and global secondary indexes: create, describe, query, scan, add and drop online. */
    @Test
    void boto3IndexesWork() throws Exception {
        runBoto3("smoke_indexes_boto3.py", "boto3 indexes smoke");
    }

    /** boto3 sending gzip-compressed requests and reading compressed responses, each CRC checked on the wire. */
    @Test
    void boto3CompressionWorks() throws Exception {
        runBoto3("smoke_compression_boto3.py", "boto3 compression smoke");
    }

    private static void runBoto3(String scriptName, String summary) throws Exception {
        requireTool("python3 with boto3", "install Python 3 and boto3 (pip install boto3)",
                "python3", "-c", "import boto3, botocore");
        Path script = script("src/test/python/" + scriptName);
        Result result = run(BOTO3_TIMEOUT_SECONDS, "python3", script.toString(), server.endpoint().toString());
        assertPassed(result, summary);
    }

    @Test
    void awsCliWorks() throws Exception {
        requireTool("bash", "install bash", "bash", "-c", "true");
        requireTool("python3", "install Python 3 (the CLI script checks JSON with it)", "python3", "-c", "import json");
        requireTool("the AWS CLI ('aws')", "install the AWS CLI (pip install awscli, or AWS CLI v2)",
                "aws", "--version");
        Path script = script("src/test/shell/smoke_cli.sh");
        Result result = run(CLI_TIMEOUT_SECONDS, "bash", script.toString(), server.endpoint().toString());
        assertPassed(result, "aws cli smoke");
    }

    /** Exit code 0 and a last line "SUMMARY: N passed, 0 failed" with N > 0; the full output on failure. */
    private static void assertPassed(Result result, String summary) {
        System.out.println(result.describe());
        assertThat(result.timedOut)
                .withFailMessage("%s timed out; output so far:%n%s", result.command, result.output)
                .isFalse();
        assertThat(result.exitCode)
                .withFailMessage("%s exited with %d; full output:%n%s", result.command, result.exitCode, result.output)
                .isZero();
        Matcher summaryLine = Pattern.compile(Pattern.quote(summary) + ": (\\d+) passed, 0 failed")
                .matcher(result.lastLine());
        assertThat(summaryLine.matches())
                .withFailMessage("%s: last line is not \"%s: N passed, 0 failed\"; full output:%n%s",
                        result.command, summary, result.output)
                .isTrue();
        assertThat(Integer.parseInt(summaryLine.group(1)))
                .withFailMessage("%s ran no checks; full output:%n%s", result.command, result.output)
                .isPositive();
    }

    /**
     * Fails (or, with -Dbasalt.skipCrossClient=true, skips) unless the command starts and exits with 0.
     */
    private static void requireTool(String what, String howToInstall, String... probe) throws InterruptedException {
        String problem;
        try {
            Result result = run(PROBE_TIMEOUT_SECONDS, probe);
            problem = result.exitCode == 0 && !result.timedOut ? null
                    : String.join(" ", probe) + " failed (exit " + result.exitCode + "):\n" + result.output;
        } catch (IOException e) {
            problem = "cannot run " + probe[0] + ": " + e.getMessage();
        }
        if (problem == null) {
            return;
        }
        String message = "Cross-client smoke tests need " + what + ": " + howToInstall + ". Or run with -D"
                + SKIP_PROPERTY + "=true to skip them. (" + problem.strip() + ")";
        if (Boolean.getBoolean(SKIP_PROPERTY)) {
            Assumptions.abort(message);
        }
        fail(message);
    }

    /** A script by its path in this module; works whether the working directory is the module or the repository. */
    private static Path script(String pathInModule) {
        List<Path> candidates = List.of(Path.of(pathInModule), Path.of("basalt-compat-tests").resolve(pathInModule));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return fail("script %s not found (looked for %s from %s)", pathInModule, candidates,
                Path.of("").toAbsolutePath());
    }

    private static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        // Keep the clients away from the developer's ~/.aws and from instance metadata.
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.remove("AWS_PROFILE");
        env.remove("AWS_ENDPOINT_URL");
        env.remove("AWS_ENDPOINT_URL_DYNAMODB");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONIOENCODING", "utf-8");
        Path log = Files.createTempFile("basalt-crossclient-", ".log");
        try {
            builder.redirectOutput(log.toFile());
            Process process = builder.start();
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return new Result(String.join(" ", command), finished ? process.exitValue() : -1, !finished, output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static final class Result {
        final String command;
        final int exitCode;
        final boolean timedOut;
        final String output;

        Result(String command, int exitCode, boolean timedOut, String output) {
            this.command = command;
            this.exitCode = exitCode;
            this.timedOut = timedOut;
            this.output = output;
        }

        String lastLine() {
            return output.strip().lines().reduce((first, second) -> second).orElse("").strip();
        }

        String describe() {
            return "$ " + command + "\n" + output + (timedOut ? "\n(timed out)" : "\n(exit " + exitCode + ")");
        }
    }
}
