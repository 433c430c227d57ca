package io.basalt.server;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 connection for tests that need what a client library hides: headers without a body, a request
 * abandoned mid-flight, exact bytes on the wire.
 */
final class RawHttp implements AutoCloseable {
    static final String CREDENTIALS = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
            + "SignedHeaders=host, Signature=abc";

    private final Socket socket;

    RawHttp(int port) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
    }

    /** A JSON POST; {@code target} and {@code authorization} are left out when null. */
    static String post(String target, String authorization, String body) {
        StringBuilder request = new StringBuilder("POST / HTTP/1.1\r\nHost: localhost\r\n")
                .append("Content-Type: application/x-amz-json-1.0\r\n");
        if (target != null) {
            request.append("X-Amz-Target: ").append(target).append("\r\n");
        }
        if (authorization != null) {
            request.append("Authorization: ").append(authorization).append("\r\n");
        }
        return request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length)
                .append("\r\n\r\n").append(body).toString();
    }

    void send(String request) throws IOException {
        send(request.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] request) throws IOException {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
    }

    /** Reads one response with a Content-Length body. */
    Response read() throws IOException {
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed after: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Response(int status, Map<String, String> headers, String body) {
        Response {
            requireNonNull(headers, "headers is null");
            requireNonNull(body, "body is null");
        }
    }
}
