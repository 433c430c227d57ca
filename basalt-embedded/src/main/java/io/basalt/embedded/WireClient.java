package io.basalt.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends one DynamoDB JSON request to a server over HTTP, signed with Signature Version 4 as the SDKs sign it (so it
 * keeps working once Basalt verifies signatures), using only the JDK: the embedded server needs no SDK for its own
 * helpers. See "Signature Version 4 signing process" in the AWS General Reference.
 */
final class WireClient {
    static final String ACCESS_KEY_ID = "basalt";
    static final String SECRET_ACCESS_KEY = "basalt";
    private static final String SERVICE = "dynamodb";
    private static final String TARGET_PREFIX = "DynamoDB_20120810.";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final JsonFactory JSON = new JsonFactory();

    private final URI endpoint;
    private final String region;

    WireClient(URI endpoint, String region) {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.region = requireNonNull(region, "region is null");
    }

    /** Sends {@code operation} with {@code body}; returns the response body, or throws the error it carries. */
    String call(String operation, String body) {
        requireNonNull(operation, "operation is null");
        byte[] payload = requireNonNull(body, "body is null").getBytes(UTF_8);
        String amzDate = ZonedDateTime.now(ZoneOffset.UTC).format(AMZ_DATE);
        String host = endpoint.getHost() + ":" + endpoint.getPort();
        String target = TARGET_PREFIX + operation;
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/").toURL().openConnection();
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(60_000);
            connection.setRequestProperty("Content-Type", "application/x-amz-json-1.0");
            connection.setRequestProperty("X-Amz-Date", amzDate);
            connection.setRequestProperty("X-Amz-Target", target);
            connection.setRequestProperty("Authorization", authorization(host, amzDate, target, payload));
            connection.setFixedLengthStreamingMode(payload.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(payload);
            }
            int status = connection.getResponseCode();
            InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String response;
            try (InputStream in = stream) {
                response = in == null ? "" : new String(in.readAllBytes(), UTF_8);
            }
            if (status >= 400) {
                throw error(status, response);
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException("Request " + operation + " to " + endpoint + " failed", e);
        }
    }

    private String authorization(String host, String amzDate, String target, byte[] payload) {
        String date = amzDate.substring(0, 8);
        String signedHeaders = "host;x-amz-date;x-amz-target";
        String canonicalRequest = "POST\n/\n\n"
                + "host:" + host + "\n" + "x-amz-date:" + amzDate + "\n" + "x-amz-target:" + target + "\n\n"
                + signedHeaders + "\n" + hex(sha256(payload));
        String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(UTF_8)));
        byte[] key = hmac(("AWS4" + SECRET_ACCESS_KEY).getBytes(UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, SERVICE);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, stringToSign));
        return "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature;
    }

    private static EmbeddedBasaltException error(int status, String body) {
        String type = "HTTP " + status;
        String message = body;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if ("__type".equals(field)) {
                        String value = parser.getText();
                        type = value.substring(value.indexOf('#') + 1);
                    } else if ("message".equalsIgnoreCase(field)) {
                        message = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            // Not DynamoDB JSON (a proxy's page, say): the body itself is the message.
        }
        return new EmbeddedBasaltException(type, message, status);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
