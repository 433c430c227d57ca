package io.basalt.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** How {@link RecordingRegisterClient} records outcomes, against a real node and against endpoints that fail. */
class TestHistoryRecorder {
    private static DynamoDbClient client(URI endpoint, Duration apiCallTimeout) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(TestClients.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("basalt", "basalt")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(configuration -> configuration
                        .retryStrategy(retry -> retry.maxAttempts(1))
                        .apiCallTimeout(apiCallTimeout))
                .build();
    }

    @Test
    void recordsEachKindWithItsResult() {
        try (BasaltTestServer server = BasaltTestServer.inMemory()) {
            DynamoDbClient dynamoDb = TestClients.dynamoDb(server.endpoint());
            RegisterTable.create(dynamoDb, "registers");
            HistoryRecorder recorder = new HistoryRecorder("registers");
            RecordingRegisterClient client = recorder.client("c1", dynamoDb);

            assertThat(client.get("k")).isEqualTo(Outcome.read(RegisterState.ABSENT));
            assertThat(client.update("k", 0, "a")).isEqualTo(Outcome.conditionFailed());
            assertThat(client.put("k", 1, "a")).isEqualTo(Outcome.ok());
            assertThat(client.update("k", 1, "b")).isEqualTo(Outcome.ok());
            assertThat(client.update("k", 1, "c")).isEqualTo(Outcome.conditionFailed());
            assertThat(client.get("k")).isEqualTo(Outcome.read(RegisterState.present(2, "b")));
            assertThat(client.delete("k")).isEqualTo(Outcome.ok());
            assertThat(client.get("k")).isEqualTo(Outcome.read(RegisterState.ABSENT));

            List<Operation> operations = recorder.history().operations();
            assertThat(operations).hasSize(8);
            assertThat(operations).extracting(Operation::client).containsOnly("c1");
            assertThat(operations).extracting(operation -> operation.command().kind()).containsExactly(
                    Command.Kind.GET, Command.Kind.UPDATE, Command.Kind.PUT, Command.Kind.UPDATE,
                    Command.Kind.UPDATE, Command.Kind.GET, Command.Kind.DELETE, Command.Kind.GET);
            for (int i = 1; i < operations.size(); i++) {
                assertThat(operations.get(i).callNanos()).isGreaterThanOrEqualTo(operations.get(i - 1).returnNanos());
            }
            assertThat(LinearizabilityChecker.check(recorder.history(), Duration.ofSeconds(10)).isLinearizable())
                    .isTrue();
        }
    }

    @Test
    void rejectionByDynamoDbIsADefiniteFailure() {
        try (BasaltTestServer server = BasaltTestServer.inMemory()) {
            HistoryRecorder recorder = new HistoryRecorder("no_such_table");
            Outcome outcome = recorder.client("c1", TestClients.dynamoDb(server.endpoint())).put("k", 1, "a");
            assertThat(outcome.status()).isEqualTo(Outcome.Status.FAILED);
            assertThat(outcome.detail()).contains("ResourceNotFoundException", "400");
        }
    }

    @Test
    void serverErrorIsUnknown() throws IOException {
        HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", exchange -> {
            byte[] body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"boom\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        failing.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + failing.getAddress().getPort());
            HistoryRecorder recorder = new HistoryRecorder("registers");
            Outcome outcome = recorder.client("c1", client(endpoint, Duration.ofSeconds(5))).update("k", 1, "a");
            assertThat(outcome.status()).isEqualTo(Outcome.Status.UNKNOWN);
            assertThat(outcome.detail()).contains("InternalServerError", "500");
        } finally {
            failing.stop(0);
        }
    }

    @Test
    void timeoutAndRefusedConnectionAreUnknown() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket accepted = silent.accept()) {
                    // Hold the connection open without answering until the test ends.
                    accepted.setSoTimeout(10_000);
                    Thread.sleep(10_000);
                } catch (IOException | InterruptedException e) {
                    // The test is over.
                }
            }, "silent-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            HistoryRecorder recorder = new HistoryRecorder("registers");
            URI endpoint = URI.create("http://127.0.0.1:" + silent.getLocalPort());
            Outcome outcome = recorder.client("c1", client(endpoint, Duration.ofMillis(300))).put("k", 1, "a");
            assertThat(outcome.status()).isEqualTo(Outcome.Status.UNKNOWN);
            acceptor.interrupt();
        }
        int closedPort;
        try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closedPort = closed.getLocalPort();
        }
        HistoryRecorder recorder = new HistoryRecorder("registers");
        Outcome refused = recorder.client("c1",
                client(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(5))).delete("k");
        assertThat(refused.status()).isEqualTo(Outcome.Status.UNKNOWN);
    }

    @Test
    void operationsStillInFlightAreUnknown() {
        HistoryRecorder recorder = new HistoryRecorder("registers");
        HistoryRecorder.Call call = recorder.call("c1", "k", Command.put(1, "a"));
        Operation pending = recorder.history().operations().get(0);
        assertThat(pending.id()).isEqualTo(call.id());
        assertThat(pending.outcome().status()).isEqualTo(Outcome.Status.UNKNOWN);

        recorder.complete(call, Outcome.ok());
        assertThat(recorder.history().operations()).extracting(Operation::outcome).containsExactly(Outcome.ok());
        assertThatThrownBy(() -> recorder.complete(call, Outcome.ok())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void clientsThatRetryAreRefused() {
        DynamoDbClient retrying = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:1"))
                .region(TestClients.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("basalt", "basalt")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .build();
        assertThatThrownBy(() -> new HistoryRecorder("registers").client("c1", retrying))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one attempt");
    }
}
