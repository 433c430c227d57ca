package io.basalt.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * {@code basalt serve} in a separate JVM, as a user runs it, on a free port. Lets tests kill it for real.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving DynamoDB on (http://\\S+)");

    private final Process process;
    private final URI endpoint;
    private final StringBuilder output = new StringBuilder();

    private ServerProcess(Process process) throws IOException {
        this.process = process;
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        URI found = null;
        String line;
        while (found == null && (line = reader.readLine()) != null) {
            output.append(line).append('\n');
            Matcher matcher = SERVING.matcher(line);
            if (matcher.find()) {
                found = URI.create(matcher.group(1));
            }
        }
        if (found == null) {
            throw new IllegalStateException("server did not start:\n" + output);
        }
        this.endpoint = found;
        Thread drain = new Thread(() -> {
            try {
                while (reader.readLine() != null) {
                    // Keep the pipe empty so the server never blocks on its own output.
                }
            } catch (IOException ignored) {
                // The process died; nothing more to read.
            }
        }, "server-output-drain");
        drain.setDaemon(true);
        drain.start();
    }

    /** Starts {@code basalt serve} over RocksDB in {@code dataDirectory}. */
    static ServerProcess start(Path dataDirectory) throws IOException {
        return start(serveCommand("--port", "0", "--data-dir", dataDirectory.toString()));
    }

    /** Starts {@code command}, a {@link #serveCommand} perhaps with more JVM options, and waits for its banner. */
    static ServerProcess start(List<String> command) throws IOException {
        return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** What the server printed up to and including its banner. */
    String startOutput() {
        return output.toString();
    }

    /** The process id of the server. */
    long pid() {
        return process.pid();
    }

    /** The command line of {@code basalt serve} in a new JVM with this test's class path. */
    static List<String> serveCommand(String... serveArguments) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classPath, BasaltCommand.class.getName(), "serve"));
        command.addAll(List.of(serveArguments));
        return command;
    }

    URI endpoint() {
        return endpoint;
    }

    /** SIGKILL: no shutdown hook, no flush, exactly like a crash of the process. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Crashes the server under load: SIGKILL, then tells the clients to stop and waits for them (their requests
     * in flight fail) and shuts their threads down.
     */
    void killUnderLoad(AtomicBoolean stop, List<Future<?>> clients, ExecutorService threads) throws Exception {
        kill();
        stop.set(true);
        for (Future<?> client : clients) {
            client.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
    }

    /** Creates an on-demand table keyed by a string {@code pk} through the API and waits until it is ACTIVE. */
    static void createHashTable(DynamoDbClient client, String table) {
        client.createTable(request -> request.tableName(table)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        client.waiter().waitUntilTableExists(request -> request.tableName(table));
    }

    /** SIGTERM, then waits for a clean exit. Returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not stop on SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
