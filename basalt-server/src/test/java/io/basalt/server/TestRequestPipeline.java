package io.basalt.server;

import static io.basalt.server.RawHttp.CREDENTIALS;
import static io.basalt.server.RawHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.Admission;
import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.NodeConfig;
import io.basalt.model.Limits;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each stage of the request pipeline refuses before the next one runs, and the admission stage's permits come back
 * on every path (cluster.md §17).
 */
class TestRequestPipeline {
    private static final String TARGET = "DynamoDB_20120810.";
    private static final int MAX_REQUESTS = 2;

    private final BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults());
    private final BasaltServer server = BasaltServer.start(node, ServerConfig.of("127.0.0.1", 0)
            .withAdmission(MAX_REQUESTS, Limits.MAX_REQUEST_BYTES));

    @AfterEach
    void close() {
        server.close();
        node.close();
    }

    @Test
    void anOversizedRequestWithoutCredentialsGets413BeforeItsBodyIsRead() throws IOException {
        try (RawHttp http = new RawHttp(server.port())) {
            // Headers only: the body never comes, so only a refusal made on the Content-Length can answer.
            http.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n"
                    + "X-Amz-Target: Frob\r\nContent-Length: " + (Limits.MAX_REQUEST_BYTES + 1) + "\r\n\r\n");
            RawHttp.Response response = http.read();
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.body()).isEmpty();
            assertThat(response.headers()).containsEntry("connection", "close");
        }
        assertThat(server.admission().inFlightRequests()).isZero();
    }

    @Test
    void withAdmissionExhaustedARequestGets503BeforeItIsParsedAndThePermitsComeBack() throws IOException {
        Admission admission = server.admission();
        for (int i = 0; i < MAX_REQUESTS; i++) {
            assertThat(admission.tryAcquire(0)).isTrue();
        }
        try (RawHttp http = new RawHttp(server.port())) {
            // Neither JSON nor a known target nor credentials: any later stage would answer differently.
            http.send(post("Frob", null, "not json"));
            RawHttp.Response refused = http.read();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).startsWith(
                    "{\"__type\":\"com.amazon.coral.availability#ServiceUnavailableException\",\"message\":");
            assertThat(admission.inFlightRequests()).isEqualTo(MAX_REQUESTS);
            assertThat(admission.inFlightBytes()).isZero();

            admission.release(0);
            http.send(post("Frob", null, "not json"));
            RawHttp.Response parsed = http.read();
            assertThat(parsed.status()).isEqualTo(400);
            assertThat(parsed.body()).isEqualTo("{\"__type\":\"com.amazon.coral.service#SerializationException\"}");
            assertThat(admission.inFlightRequests()).isEqualTo(MAX_REQUESTS - 1);
        }
        admission.release(0);
        assertThat(admission.inFlightRequests()).isZero();
        assertThat(admission.inFlightBytes()).isZero();
    }

    @Test
    void theBytesInFlightAreBoundedToo() throws IOException {
        Admission admission = server.admission();
        String body = "{}";
        assertThat(admission.tryAcquire(Limits.MAX_REQUEST_BYTES - 1)).isTrue();
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(post(TARGET + "ListTables", CREDENTIALS, body));
            assertThat(http.read().status()).isEqualTo(503);
            admission.release(Limits.MAX_REQUEST_BYTES - 1);
            http.send(post(TARGET + "ListTables", CREDENTIALS, body));
            assertThat(http.read().status()).isEqualTo(200);
        }
        assertThat(admission.inFlightBytes()).isZero();
    }

    @Test
    void anUnknownTargetGetsUnknownOperationExceptionBeforeTheCredentialsAreLookedAt() throws IOException {
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(post(TARGET + "Frob", null, "{}"));
            RawHttp.Response unknown = http.read();
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.body()).isEqualTo("{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}");
            // DynamoDB's order, not Alternator's: a body that does not parse is reported before the target.
            http.send(post(TARGET + "Frob", null, "{"));
            assertThat(http.read().body())
                    .isEqualTo("{\"__type\":\"com.amazon.coral.service#SerializationException\"}");
            http.send(post(TARGET + "ListTables", null, "{}"));
            assertThat(http.read().body()).contains("MissingAuthenticationTokenException");
        }
    }

    @Test
    void permitsComeBackOnSuccessErrorAndAbandonedConnections() throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(post(TARGET + "ListTables", CREDENTIALS, "{}"));
            assertThat(http.read().status()).isEqualTo(200);
            http.send(post(TARGET + "GetItem", CREDENTIALS, "{}"));
            assertThat(http.read().body()).contains("ValidationException");
            http.send(post(TARGET + "Frob", CREDENTIALS, "{}"));
            assertThat(http.read().body()).contains("UnknownOperationException");
            byte[] garbage = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n"
                    .concat("X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Encoding: gzip\r\n")
                    .concat("Content-Length: 5\r\n\r\nnope!").getBytes(StandardCharsets.UTF_8);
            http.send(garbage);
            assertThat(http.read().status()).isEqualTo(500);
            http.send(gzipped(post(TARGET + "ListTables", CREDENTIALS, "{}")));
            assertThat(http.read().status()).isEqualTo(200);
        }
        for (int i = 0; i < 20; i++) {
            // CreateTable runs on a worker; the client leaves before its answer.
            try (RawHttp http = new RawHttp(server.port())) {
                http.send(post(TARGET + "CreateTable", CREDENTIALS, "{\"TableName\":\"table" + i + "\","
                        + "\"KeySchema\":[{\"AttributeName\":\"k\",\"KeyType\":\"HASH\"}],"
                        + "\"AttributeDefinitions\":[{\"AttributeName\":\"k\",\"AttributeType\":\"S\"}],"
                        + "\"BillingMode\":\"PAY_PER_REQUEST\"}"));
            }
        }
        awaitNoneInFlight();
    }

    @Test
    void concurrentClientsOverTheLimitAreRefusedOrServedAndLeakNothing() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                results.add(clients.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    try (RawHttp http = new RawHttp(server.port())) {
                        for (int i = 0; i < 50; i++) {
                            http.send(post(TARGET + "ListTables", CREDENTIALS, "{}"));
                            statuses.add(http.read().status());
                        }
                    }
                    return statuses;
                }));
            }
            for (Future<List<Integer>> result : results) {
                assertThat(result.get()).hasSize(50).allMatch(status -> status == 200 || status == 503);
            }
        } finally {
            clients.shutdownNow();
        }
        awaitNoneInFlight();
    }

    private void awaitNoneInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.admission().inFlightRequests() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.admission().inFlightRequests()).isZero();
        assertThat(server.admission().inFlightBytes()).isZero();
    }

    /** The request with its body gzipped, Content-Length adjusted. */
    private static byte[] gzipped(String request) throws IOException {
        int split = request.indexOf("\r\n\r\n");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(body)) {
            gzip.write(request.substring(split + 4).getBytes(StandardCharsets.UTF_8));
        }
        String head = request.substring(0, split).replaceAll("Content-Length: \\d+",
                "Content-Encoding: gzip\r\nContent-Length: " + body.size());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes((head + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        all.writeBytes(body.toByteArray());
        return all.toByteArray();
    }
}
