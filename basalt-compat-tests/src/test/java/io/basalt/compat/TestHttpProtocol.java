package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer around the operations: the headers every response carries, CORS for browsers, the health check,
 * and requests that are not HTTP DynamoDB can parse. Sources for each expectation are in docs/design/http.md.
 */
class TestHttpProtocol extends CompatTestSupport {
    private static final String ORIGIN = "http://example.com";
    private static final String EXPOSED = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
    private static final List<String> CORS_HEADERS = List.of("Access-Control-Allow-Origin",
            "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
            "Access-Control-Allow-Methods", "Access-Control-Allow-Headers");
    /** HTTP's IMF-fixdate: always two-digit days, always GMT. */
    private static final String IMF_FIXDATE = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} "
            + "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";

    private HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    private HttpResponse<String> options(String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    private HttpResponse<String> listTables(String... headers) {
        return send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("Authorization", FAKE_AUTHORIZATION)
                .header("X-Amz-Target", TARGET_PREFIX + "ListTables")
                .headers(headers.length > 0 ? headers : new String[] {"X-Test", "1"})
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    }

    private void assertServerAndDate(HttpResponse<?> response) {
        assertThat(response.headers().firstValue("Server")).hasValue("Server");
        String date = response.headers().firstValue("Date").orElseThrow();
        assertThat(date).matches(IMF_FIXDATE);
        Instant sent = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertThat(Duration.between(sent, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void everyResponseCarriesServerAndDate() {
        assertServerAndDate(get("/"));
        assertServerAndDate(listTables());
        assertServerAndDate(post("DescribeTable", "{\"TableName\":\"nothing-here\"}"));
        assertServerAndDate(post("ListTables", "{"));
        assertServerAndDate(send(HttpRequest.newBuilder(endpoint).DELETE().build()));
        assertServerAndDate(options("Origin", ORIGIN));
    }

    @Test
    void healthCheckIsOnlyAtTheRoot() {
        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).isEqualTo("healthy: dynamodb.us-east-1.amazonaws.com ");
        for (String path : new String[] {"/abc", "/-", "/index.htm", "/health", "/bad-request"}) {
            HttpResponse<String> other = get(path);
            assertThat(other.statusCode()).as(path).isEqualTo(404);
            assertThat(other.body()).as(path).isEqualTo("<UnknownOperationException/>\n");
        }
    }

    @Test
    void noCorsHeadersWithoutAnOrigin() {
        for (HttpResponse<String> response : List.of(get("/"), listTables(), options())) {
            for (String header : CORS_HEADERS) {
                assertThat(response.headers().firstValue(header)).as(header).isEmpty();
            }
        }
        // Without an Origin, OPTIONS is just a method DynamoDB does not serve.
        HttpResponse<String> options = options();
        assertThat(options.statusCode()).isEqualTo(404);
        assertThat(options.body()).isEqualTo("<UnknownOperationException/>\n");
    }

    @Test
    void browserRequestsMayBeReadFromAnyOrigin() {
        String[] headers = {"Origin", ORIGIN, "Access-Control-Request-Method", "dog",
            "Access-Control-Request-Headers", "cat, meerkat, mouse"};
        HttpResponse<String> error = send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("Authorization", FAKE_AUTHORIZATION)
                .header("X-Amz-Target", TARGET_PREFIX + "DescribeTable")
                .header("Origin", ORIGIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"TableName\":\"nothing-here\"}")).build());
        assertThat(error.statusCode()).isEqualTo(400);
        HttpResponse<String> notFound = send(HttpRequest.newBuilder(endpoint.resolve("/abc")).header("Origin", ORIGIN)
                .GET().build());
        assertThat(notFound.statusCode()).isEqualTo(404);
        for (HttpResponse<String> response : List.of(get("/", headers), listTables(headers), error, notFound)) {
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).hasValue(EXPOSED);
            // Only a preflight grants methods and headers and may be cached.
            assertThat(response.headers().firstValue("Access-Control-Max-Age")).isEmpty();
            assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
            assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).isEmpty();
        }
        HttpResponse<String> tables = listTables(headers);
        assertThat(tables.statusCode()).isEqualTo(200);
        assertThat(tables.body()).startsWith("{\"TableNames\":");
    }

    @Test
    void preflightGrantsWhatTheBrowserAsksFor() {
        HttpResponse<String> response = options("Origin", ORIGIN, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type,x-amz-target,authorization,x-amz-date");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("Content-Length")).hasValue("0");
        assertThat(response.headers().firstValue("x-amzn-RequestId")).hasValueSatisfying(
                id -> assertThat(id).matches("[0-9A-Z]{52}"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValue("content-type,x-amz-target,authorization,x-amz-date");
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).hasValue(EXPOSED);
        assertThat(response.headers().firstValue("Access-Control-Max-Age")).hasValue("172800");
        // A preflight without the request headers echoes only what it was asked.
        HttpResponse<String> bare = options("Origin", ORIGIN);
        assertThat(bare.statusCode()).isEqualTo(200);
        assertThat(bare.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
        assertThat(bare.headers().firstValue("Access-Control-Allow-Headers")).isEmpty();
        assertThat(bare.headers().firstValue("Access-Control-Max-Age")).hasValue("172800");
    }

    @Test
    void malformedRequestLinesAreRefusedAndTheConnectionClosed() throws IOException {
        String[] requests = {
            "GET\r\n\r\n",
            "GARBAGE\r\n\r\n",
            "GET / HTTX/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n{}",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"};
        for (String request : requests) {
            String response = exchange(request.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(response).as(request).startsWith("HTTP/1.1 400 ").doesNotContain("healthy");
            assertThat(lower(response)).as(request).contains("connection: close").contains("x-amzn-requestid: ");
        }
    }

    @Test
    void anOversizedRequestLineIsA414() throws IOException {
        String request = "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        String response = exchange(request.getBytes(StandardCharsets.US_ASCII));
        assertThat(response).startsWith("HTTP/1.1 414 ").doesNotContain("healthy");
        assertThat(lower(response)).contains("connection: close");
    }

    @Test
    void oversizedHeadersAreA431() throws IOException {
        String request = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n";
        String response = exchange(request.getBytes(StandardCharsets.US_ASCII));
        assertThat(response).startsWith("HTTP/1.1 431 ").doesNotContain("healthy");
    }

    @Test
    void aTlsClientGetsAnErrorAtOnceInsteadOfHanging() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        long start = System.nanoTime();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(endpoint.getHost(),
                endpoint.getPort())) {
            socket.setSoTimeout(10_000);
            Throwable failure = null;
            try {
                socket.startHandshake();
            } catch (SSLException | SocketTimeoutException e) {
                failure = e;
            } catch (IOException e) {
                // A reset connection is also an immediate refusal.
                failure = e;
            }
            assertThat(failure).isNotNull().isNotInstanceOf(SocketTimeoutException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // What the plain port sent back: an HTTP 400, then the end of the connection.
        byte[] clientHelloStart = {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00, 0x00, (byte) 0xc4, 0x03, 0x03};
        String response = exchange(clientHelloStart);
        assertThat(response).startsWith("HTTP/1.1 400 ");
        assertThat(lower(response)).contains("connection: close");
    }

    @Test
    void aGoodRequestBeforeABadOneIsStillAnswered() throws IOException {
        String good = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
                + "X-Amz-Target: " + TARGET_PREFIX + "ListTables\r\nAuthorization: " + FAKE_AUTHORIZATION + "\r\n"
                + "Content-Length: 2\r\n\r\n{}";
        String response = exchange((good + "NOT HTTP AT ALL\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(response).startsWith("HTTP/1.1 200 ").contains("TableNames");
        assertThat(response.indexOf("HTTP/1.1 400 ")).isGreaterThan(response.indexOf("TableNames"));
    }

    @Test
    void headersAreSpelledAndOrderedAsDynamoDbSendsThem() throws IOException {
        String request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
                + "X-Amz-Target: " + TARGET_PREFIX + "ListTables\r\nAuthorization: " + FAKE_AUTHORIZATION + "\r\n"
                + "Origin: " + ORIGIN + "\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
        String response = exchange(request.getBytes(StandardCharsets.US_ASCII));
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        assertThat(head).matches("(?s)HTTP/1\\.1 200 OK\r\n"
                + "Server: Server\r\n"
                + "Date: " + IMF_FIXDATE + "\r\n"
                + "Content-Type: application/x-amz-json-1\\.0\r\n"
                + "Content-Length: \\d+\r\n"
                + "x-amzn-RequestId: [0-9A-Z]{52}\r\n"
                + "x-amz-crc32: \\d+\r\n"
                + "Access-Control-Allow-Origin: \\*\r\n"
                + "Access-Control-Expose-Headers: " + EXPOSED + "\r\n"
                + "Connection: close");
    }

    @Test
    void theSdkStillWorksWithTheNewHeaders() {
        assertThat(client.listTables().tableNames()).isNotNull();
    }

    /**
     * Sends raw bytes on a fresh connection and returns everything the server sends until it closes the
     * connection; fails if it does not close it within five seconds.
     */
    private String exchange(byte[] request) throws IOException {
        URI target = endpoint;
        try (Socket socket = new Socket(target.getHost(), target.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                received.write(buffer, 0, read);
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
