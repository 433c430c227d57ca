package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No input may produce a server error: valid requests of every operation, mutated at random (members dropped,
 * replaced by other JSON types, emptied, duplicated into odd places), must each be answered with 200 or a 4xx
 * DynamoDB error, never 5xx. The seed is printed with every failure; {@code -Dbasalt.fuzzSeed} replays one.
 */
class TestRequestFuzzing extends CompatTestSupport {
    private static final int REQUESTS = Integer.getInteger("basalt.fuzzRequests", 4000);
    private static final String[] JUNK = {"null", "true", "0", "-1", "1.5", "\"\"", "\"x\"", "[]", "{}",
        "[{}]", "{\"S\":\"a\"}", "{\"N\":\"1\"}", "{\"\":{}}", "[null]", "99999999999999999999", "{\"a\":[]}",
        "\"ALL_OLD\"", "\"COUNT\"", "{\"ComparisonOperator\":\"EQ\"}", "{\"a\":{\"S\":\"x\"}}"};

    private List<String[]> seeds;

    @BeforeAll
    void createTables() {
        String table = "Fuzz" + uniqueName("t").replace("-", "");
        String pkOnly = table + "H";
        post("CreateTable", "{\"TableName\":\"" + table + "\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                + "\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],\"KeySchema\":["
                + "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
                + "\"BillingMode\":\"PAY_PER_REQUEST\"}");
        post("CreateTable", "{\"TableName\":\"" + pkOnly + "\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                + "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
                + "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":5}}");
        String key = "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}";
        String item = "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"m\":{\"M\":{\"l\":{\"L\":[{\"SS\":[\"x\"]}]}}}}";
        seeds = List.of(
            new String[] {"PutItem", "{\"TableName\":\"" + table + "\",\"Item\":" + item
                + ",\"ReturnValues\":\"ALL_OLD\",\"ConditionExpression\":\"attribute_not_exists(#m)\","
                + "\"ExpressionAttributeNames\":"
                + "{\"#m\":\"m\"},\"ReturnConsumedCapacity\":\"TOTAL\"}"},
            new String[] {"GetItem", "{\"TableName\":\"" + table + "\",\"Key\":" + key + ",\"ProjectionExpression\":"
                + "\"m.l[0]\",\"ConsistentRead\":true}"},
            new String[] {"UpdateItem", "{\"TableName\":\"" + table + "\",\"Key\":" + key + ",\"UpdateExpression\":"
                + "\"SET a = :v ADD c :one\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"},"
                + "\":one\":{\"N\":\"1\"}},"
                + "\"ReturnValues\":\"UPDATED_NEW\"}"},
            new String[] {"UpdateItem", "{\"TableName\":\"" + table + "\",\"Key\":" + key + ",\"AttributeUpdates\":"
                + "{\"a\":{\"Action\":\"PUT\",\"Value\":{\"N\":\"2\"}}},\"Expected\":{\"a\":{\"Exists\":false}}}"},
            new String[] {"DeleteItem", "{\"TableName\":\"" + table + "\",\"Key\":" + key + ",\"Expected\":{\"m\":"
                + "{\"ComparisonOperator\":\"NOT_NULL\"}},\"ReturnValues\":\"ALL_OLD\"}"},
            new String[] {"Query", "{\"TableName\":\"" + table + "\","
                + "\"KeyConditionExpression\":\"pk = :p AND sk > :s\","
                + "\"FilterExpression\":\"size(m) > :s\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"a\"},\":s\":"
                + "{\"N\":\"0\"}},\"Limit\":2,\"ScanIndexForward\":false,\"ExclusiveStartKey\":" + key + "}"},
            new String[] {"Query", "{\"TableName\":\"" + table + "\",\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":"
                + "\"EQ\",\"AttributeValueList\":[{\"S\":\"a\"}]}},\"QueryFilter\":{\"m\":{\"ComparisonOperator\":"
                + "\"NOT_NULL\"}},\"Select\":\"COUNT\"}"},
            new String[] {"Scan", "{\"TableName\":\"" + table + "\",\"Segment\":1,\"TotalSegments\":3,\"Limit\":5,"
                + "\"ScanFilter\":{\"m\":{\"ComparisonOperator\":\"NULL\"}},\"AttributesToGet\":[\"pk\"]}"},
            new String[] {"BatchGetItem", "{\"RequestItems\":{\"" + table + "\":{\"Keys\":[" + key + "],"
                + "\"ProjectionExpression\":\"pk\"}},\"ReturnConsumedCapacity\":\"INDEXES\"}"},
            new String[] {"BatchWriteItem", "{\"RequestItems\":{\"" + pkOnly + "\":[{\"PutRequest\":{\"Item\":"
                + "{\"pk\":{\"S\":\"b\"}}}},{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"c\"}}}}]}}"},
            new String[] {"CreateTable", "{\"TableName\":\"" + table + "X\",\"AttributeDefinitions\":["
                + "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],\"KeySchema\":["
                + "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
                + "\"BillingMode\":\"PAY_PER_REQUEST\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}"},
            new String[] {"UpdateTable", "{\"TableName\":\"" + pkOnly + "\",\"ProvisionedThroughput\":"
                + "{\"ReadCapacityUnits\":6,\"WriteCapacityUnits\":6}}"},
            new String[] {"ListTables", "{\"Limit\":2,\"ExclusiveStartTableName\":\"abc\"}"},
            new String[] {"TagResource", "{\"ResourceArn\":\"arn:aws:dynamodb:us-east-1:000000000000:table/" + pkOnly
                + "\",\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"}]}"},
            new String[] {"DescribeTable", "{\"TableName\":\"" + table + "\"}"});
    }

    @Test
    @Timeout(600)
    void mutatedRequestsNeverCauseServerErrors() {
        long seed = Long.getLong("basalt.fuzzSeed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < REQUESTS; i++) {
            String[] request = seeds.get(random.nextInt(seeds.size()));
            String body = mutate(request[1], random);
            HttpResponse<String> response = post(request[0], body);
            assertThat(response.statusCode())
                    .as("seed %s request %s: %s %s -> %s", seed, i, request[0], body, response.body())
                    .isLessThan(500);
        }
    }

    /** A few random edits of a JSON text: replace a value, drop a member, or cut the text (still sent). */
    private static String mutate(String json, Random random) {
        String result = json;
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            List<int[]> values = valueSpans(result);
            if (values.isEmpty()) {
                return result;
            }
            int[] span = values.get(random.nextInt(values.size()));
            result = switch (random.nextInt(4)) {
                case 0 -> result.substring(0, span[0]) + JUNK[random.nextInt(JUNK.length)] + result.substring(span[1]);
                case 1 -> result.substring(0, span[0]) + "null" + result.substring(span[1]);
                case 2 -> result.substring(0, span[0]) + result.substring(span[0], span[1]).replace("1", "-1")
                        + result.substring(span[1]);
                default -> result.substring(0, span[0]) + "[" + result.substring(span[0], span[1]) + "]"
                        + result.substring(span[1]);
            };
        }
        return result;
    }

    /** The spans of values that follow a ':' in the JSON text (objects, arrays, strings, literals). */
    private static List<int[]> valueSpans(String json) {
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < json.length(); i++) {
            if (json.charAt(i) == ':' && i > 0 && json.charAt(i - 1) == '"') {
                int start = i + 1;
                int end = valueEnd(json, start);
                if (end > start) {
                    spans.add(new int[] {start, end});
                }
            }
        }
        return spans;
    }

    private static int valueEnd(String json, int start) {
        char first = json.charAt(start);
        if (first == '{' || first == '[') {
            int depth = 0;
            boolean inString = false;
            for (int i = start; i < json.length(); i++) {
                char c = json.charAt(i);
                if (c == '"' && json.charAt(i - 1) != '\\') {
                    inString = !inString;
                } else if (!inString && (c == '{' || c == '[')) {
                    depth++;
                } else if (!inString && (c == '}' || c == ']')) {
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            }
            return start;
        }
        if (first == '"') {
            int close = json.indexOf('"', start + 1);
            return close < 0 ? start : close + 1;
        }
        int i = start;
        while (i < json.length() && json.charAt(i) != ',' && json.charAt(i) != '}' && json.charAt(i) != ']') {
            i++;
        }
        return i;
    }

}
