package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 pipelining: a client may send several requests on one connection before reading any response, and
 * must get the responses in request order even though the server handles the requests concurrently.
 */
class TestPipelining extends CompatTestSupport {
    @Test
    void responsesComeBackInRequestOrder() throws IOException {
        String table = hashTable();
        int requests = 60;
        StringBuilder pipelined = new StringBuilder();
        for (int i = 0; i < requests; i++) {
            // Alternate a write (queued behind the partition and the log) with cheap requests, so that with
            // concurrent handling the later requests would finish first.
            String body;
            String target;
            if (i % 3 == 0) {
                target = "PutItem";
                body = "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"k" + i + "\"}},"
                        + "\"ReturnConsumedCapacity\":\"TOTAL\"}";
            } else if (i % 3 == 1) {
                target = "DescribeLimits";
                body = "{}";
            } else {
                target = "GetItem";
                body = "{\"TableName\":\"nope-" + i + "\",\"Key\":{\"pk\":{\"S\":\"x\"}}}";
            }
            pipelined.append(request(target, body));
        }
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(pipelined.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                bodies.add(readResponseBody(in));
            }
            for (int i = 0; i < requests; i++) {
                String expected = i % 3 == 0 ? "\"ConsumedCapacity\"" : i % 3 == 1
                        ? "\"AccountMaxReadCapacityUnits\"" : "ResourceNotFoundException";
                assertThat(bodies.get(i)).as("response %d", i).contains(expected);
            }
        }
    }

    private String request(String target, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST / HTTP/1.1\r\n"
                + "Host: " + endpoint.getHost() + ":" + endpoint.getPort() + "\r\n"
                + "Content-Type: application/x-amz-json-1.0\r\n"
                + "X-Amz-Target: " + TARGET_PREFIX + target + "\r\n"
                + "Authorization: " + FAKE_AUTHORIZATION + "\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n"
                + body;
    }

    /** Reads one response with a Content-Length body and returns the body. */
    private static String readResponseBody(InputStream in) throws IOException {
        int contentLength = -1;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                contentLength = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        assertThat(contentLength).as("Content-Length of a response").isGreaterThanOrEqualTo(0);
        return new String(in.readNBytes(contentLength), StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
