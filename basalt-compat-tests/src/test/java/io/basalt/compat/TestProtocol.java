package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP layer, seen through raw requests: the parts the SDK hides. */
class TestProtocol extends CompatTestSupport {
    private static final String REQUEST_ID = "[0-9A-Z]{52}";

    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
    }

    private static void assertHeaders(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("x-amzn-RequestId")).hasValueSatisfying(
                id -> assertThat(id).matches(REQUEST_ID));
        CRC32 crc = new CRC32();
        crc.update(response.body().getBytes(StandardCharsets.UTF_8));
        assertThat(response.headers().firstValue("x-amz-crc32")).hasValue(Long.toString(crc.getValue()));
    }

    @Test
    void healthCheck() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("healthy: dynamodb.us-east-1.amazonaws.com ");
        assertHeaders(response);
    }

    @Test
    void successCarriesRequestIdAndChecksum() {
        HttpResponse<String> response = post("DescribeTable", "{\"TableName\":\"" + table + "\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"Table\":{\"AttributeDefinitions\":");
        assertHeaders(response);
        // Two requests never share an id.
        HttpResponse<String> again = post("DescribeTable", "{\"TableName\":\"" + table + "\"}");
        assertThat(again.headers().firstValue("x-amzn-RequestId"))
                .isNotEqualTo(response.headers().firstValue("x-amzn-RequestId"));
    }

    @Test
    void errorCarriesRequestIdAndChecksum() {
        HttpResponse<String> response = post("DescribeTable", "{\"TableName\":\"nothing-here\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                + "ResourceNotFoundException\",\"message\":\"Requested resource not found: Table: nothing-here not "
                + "found\"}");
        assertHeaders(response);
    }

    @Test
    void malformedJsonIsASerializationExceptionWithoutMessage() {
        for (String body : new String[] {"{", "not json", "[]", "{\"a\":1}}", "\"x\""}) {
            HttpResponse<String> response = post("ListTables", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.body()).as(body)
                    .isEqualTo("{\"__type\":\"com.amazon.coral.service#SerializationException\"}");
            assertHeaders(response);
        }
    }

    @Test
    void malformedJsonIsCheckedBeforeTheTarget() {
        HttpResponse<String> response = post("NoSuchOperation", "{");
        assertThat(response.body()).isEqualTo("{\"__type\":\"com.amazon.coral.service#SerializationException\"}");
    }

    @Test
    void unknownOrMissingTarget() {
        String expected = "{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}";
        for (String operation : new String[] {"ListTable", "listTables", "Query2"}) {
            HttpResponse<String> response = post(operation, "{}");
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).isEqualTo(expected);
            assertHeaders(response);
        }
        assertThat(post(null, "{}").body()).isEqualTo(expected);
        HttpResponse<String> wrongService = send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("Authorization", FAKE_AUTHORIZATION)
                .header("X-Amz-Target", "DynamoDB_20991231.ListTables")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(wrongService.body()).isEqualTo(expected);
    }

    @Test
    void dynamoDbOperationNotSupportedYetKeepsTheTypeAndNamesTheOperation() {
        assumeBasalt();
        HttpResponse<String> response = post("CreateBackup", "{\"TableName\":\"" + table + "\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"__type\":\"com.amazon.coral.service#UnknownOperationException\","
                + "\"message\":\"The DynamoDB operation CreateBackup is not supported by Basalt yet\"}");
        assertHeaders(response);
    }

    @Test
    void missingAuthorization() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", TARGET_PREFIX + "ListTables")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith(
                "{\"__type\":\"com.amazon.coral.service#MissingAuthenticationTokenException\",")
                .containsIgnoringCase("\"message\":\"Request is missing Authentication Token\"");
        assertHeaders(response);
    }

    @Test
    void nonPostIsA404WithAnXmlishBody() {
        for (String method : new String[] {"PUT", "DELETE", "PATCH"}) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("Authorization", FAKE_AUTHORIZATION)
                    .header("X-Amz-Target", TARGET_PREFIX + "ListTables")
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(response.statusCode()).as(method).isEqualTo(404);
            assertThat(response.body()).isEqualTo("<UnknownOperationException/>\n");
            assertHeaders(response);
        }
    }

    @Test
    void unsupportedContentTypeIsA404() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "text/plain")
                .header("Authorization", FAKE_AUTHORIZATION)
                .header("X-Amz-Target", TARGET_PREFIX + "ListTables")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("<UnknownOperationException/>\n");
    }

    @Test
    void contentTypeIsEchoed() {
        for (String type : new String[] {"application/x-amz-json-1.0", "application/json",
                "application/json; charset=utf-8"}) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", type)
                    .header("Authorization", FAKE_AUTHORIZATION)
                    .header("X-Amz-Target", TARGET_PREFIX + "ListTables")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"Limit\":1}")).build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(
                    type.startsWith("application/x-amz-json-1.0") ? "application/x-amz-json-1.0" : "application/json");
        }
    }

    @Test
    void emptyBodyIsASerializationException() {
        HttpResponse<String> response = post("ListTables", "");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"__type\":\"com.amazon.coral.service#SerializationException\"}");
    }

    @Test
    void nullAndUnknownMembersAreIgnored() {
        HttpResponse<String> response = post("ListTables",
                "{\"Limit\":null,\"ExclusiveStartTableName\":null,\"Whatever\":{\"x\":[1,2]}}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{");
    }

    @Test
    void tagOperationsAnswerWithAnEmptyBody() {
        String arn = client.describeTable(b -> b.tableName(table)).table().tableArn();
        HttpResponse<String> tag = post("TagResource", "{\"ResourceArn\":\"" + arn
                + "\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}");
        assertThat(tag.statusCode()).isEqualTo(200);
        assertThat(tag.body()).isEmpty();
        assertThat(tag.headers().firstValue("Content-Length")).hasValue("0");
        HttpResponse<String> untag = post("UntagResource", "{\"ResourceArn\":\"" + arn + "\",\"TagKeys\":[\"k\"]}");
        assertThat(untag.statusCode()).isEqualTo(200);
        assertThat(untag.body()).isEmpty();
    }

    static Stream<Arguments> typeErrors() {
        return Stream.of(
                Arguments.of("DescribeTable", "{\"TableName\":true}", "TRUE_VALUE cannot be converted to String"),
                Arguments.of("DescribeTable", "{\"TableName\":false}", "FALSE_VALUE cannot be converted to String"),
                Arguments.of("DescribeTable", "{\"TableName\":23}", "NUMBER_VALUE cannot be converted to String"),
                Arguments.of("DescribeTable", "{\"TableName\":34.56}", "DECIMAL_VALUE cannot be converted to String"),
                Arguments.of("DescribeTable", "{\"TableName\":[]}",
                        "Unrecognized collection type class java.lang.String"),
                Arguments.of("DescribeTable", "{\"TableName\":{}}",
                        "Start of structure or map found where not expected"),
                Arguments.of("ListTables", "{\"Limit\":\"5\"}", "STRING_VALUE cannot be converted to Integer"),
                Arguments.of("ListTables", "{\"Limit\":true}", "TRUE_VALUE cannot be converted to Integer"),
                Arguments.of("ListTables", "{\"Limit\":[]}",
                        "Unrecognized collection type class java.lang.Integer"),
                Arguments.of("ListTables", "{\"Limit\":{}}", "Start of structure or map found where not expected"),
                Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":"
                        + "\"true\"}", "Unexpected token received from parser"),
                Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":"
                        + "1}", "NUMBER_VALUE cannot be converted to Boolean"),
                Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":"
                        + "[]}", "Unrecognized collection type class java.lang.Boolean"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":\"x\"}", "Unexpected field type"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":[]}", "Unrecognized collection type "
                        + "java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":\"x\"}}",
                        "Unexpected value type in payload"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":[]}}",
                        "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"N\":5}}}",
                        "NUMBER_VALUE cannot be converted to String"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"S\":{}}}}",
                        "Start of structure or map found where not expected"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"BOOL\":\"yes\"}}}",
                        "Unexpected token received from parser"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"B\":true}}}",
                        "only base-64-encoded strings are convertible to bytes"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"B\":12}}}",
                        "only base-64-encoded strings are convertible to bytes"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"B\":[]}}}",
                        "Unrecognized collection type class java.nio.ByteBuffer"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"B\":\"23456\"}}}",
                        "Base64 encoded length is expected a multiple of 4 bytes but found: 5"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"B\":\"=+/=\"}}}",
                        "Invalid last non-pad Base64 character dectected"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"B\":\"+/+=\"}}}",
                        "Invalid last non-pad Base64 character dectected"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"SS\":\"a\"}}}",
                        "Unexpected field type"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"SS\":{}}}}",
                        "Start of structure or map found where not expected"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"SS\":[1]}}}",
                        "NUMBER_VALUE cannot be converted to String"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"L\":[\"x\"]}}}",
                        "Unexpected value type in payload"),
                Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"M\":[]}}}", "Unrecognized "
                        + "collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810."
                        + "AttributeValue>"),
                Arguments.of("CreateTable", "{\"TableName\":\"abc\",\"KeySchema\":\"x\"}", "Unexpected field type"),
                Arguments.of("CreateTable", "{\"TableName\":\"abc\",\"KeySchema\":[\"x\"]}",
                        "Unexpected value type in payload"),
                Arguments.of("CreateTable", "{\"TableName\":\"abc\",\"KeySchema\":[[]]}",
                        "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeySchemaElement"),
                Arguments.of("CreateTable", "{\"TableName\":\"abc\",\"ProvisionedThroughput\":\"x\"}",
                        "Unexpected field type"),
                Arguments.of("CreateTable", "{\"TableName\":\"abc\",\"ProvisionedThroughput\":[]}",
                        "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.ProvisionedThroughput"),
                Arguments.of("CreateTable", "{\"TableName\":\"abc\",\"ProvisionedThroughput\":"
                        + "{\"ReadCapacityUnits\":\"1\"}}", "STRING_VALUE cannot be converted to Long"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typeErrors")
    void wrongJsonTypesAreSerializationExceptions(String operation, String body, String message) {
        HttpResponse<String> response = post(operation, body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(serializationBody(message));
        assertHeaders(response);
    }

    @Test
    void keepAliveServesTwoRequestsOnOneConnection() throws IOException {
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                out.write(rawRequest("{}").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = readResponse(in);
                assertThat(response).startsWith("HTTP/1.1 200").contains("TableNames");
            }
        }
    }

    @Test
    void oversizedBodyIsRefusedWithoutBeingRead() throws IOException {
        long length = 16L * 1024 * 1024 + 1;
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            String head = "POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\n"
                    + "Content-Type: application/x-amz-json-1.0\r\n"
                    + "X-Amz-Target: " + TARGET_PREFIX + "PutItem\r\n"
                    + "Authorization: " + FAKE_AUTHORIZATION + "\r\n"
                    + "Content-Length: " + length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            // Send only a few bytes of the announced body: the answer must come anyway.
            out.write("{\"TableName\":\"abc\"".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
        }
    }

    private String rawRequest(String body) {
        return "POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\n"
                + "Content-Type: application/x-amz-json-1.0\r\n"
                + "X-Amz-Target: " + TARGET_PREFIX + "ListTables\r\n"
                + "Authorization: " + FAKE_AUTHORIZATION + "\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** Reads one HTTP response (headers and a Content-Length body) from {@code in}. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (lower(line).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return headers + new String(body, StandardCharsets.UTF_8);
    }
}
