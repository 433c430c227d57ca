package io.basalt.compat.expressions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded random expressions over raw HTTP: random token soup and mutations of valid expressions, with random
 * ExpressionAttributeNames and ExpressionAttributeValues. Whatever the input, the answer must be a 200, a
 * ValidationException or a ConditionalCheckFailedException, never a 500 or a hang. Set {@code -Dfuzz.seed} to
 * replay a run, {@code -Dfuzz.requests} and {@code -Dfuzz.millis} for a longer one.
 */
class TestExpressionFuzzing extends ExpressionTestSupport {
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 3000);
    private static final long BUDGET_MILLIS = Long.getLong("fuzz.millis", 25_000);

    private static final String[] TOKENS = {"a", "b", "c", "l", "m", "s", "n", "pk", "x", "size", "status", "#a",
        "#b", "#x", ":v", ":w", ":x", "0", "1", "10", "-1", "99999999999", "=", "<>", "<", "<=", ">", ">=", "(", ")",
        "[", "]", ".", ",", "+", "-", "*", "!", "@", ";", "'", "\"", "\\", "AND", "OR", "NOT", "BETWEEN", "IN",
        "SET", "REMOVE", "ADD", "DELETE", "attribute_exists", "attribute_not_exists", "attribute_type",
        "begins_with", "contains", "size", "if_not_exists", "list_append", "é", "𝄞", "\u0000", "\t", "\n", " ",
        "  ", "#", ":", "[0]", "[1]", "[-1]", "m.k", "l[0]", "a.b.c"};

    private static final String[] CONDITIONS = {"a = :v", "attribute_exists(m.k) AND NOT (b < :w)",
        "#a IN (:v, :w, :x)", "size(l) BETWEEN :v AND :w", "begins_with(s, :v) OR contains(l, :w)",
        "attribute_type(#b, :v)", "l[1].x <> :v", "NOT attribute_not_exists(pk)", "(a = :v OR b = :w) AND c > :x"};
    private static final String[] UPDATES = {"SET a = :v", "SET #a = if_not_exists(#a, :v) + :w REMOVE b",
        "SET l = list_append(l, :v)", "ADD n :v DELETE s :w", "REMOVE l[0], l[2], m.k", "SET m.k.z = :v",
        "SET l[5] = :v, a = b - :w", "ADD #x :v", "SET b = size(a)"};
    private static final String[] PROJECTIONS = {"a", "a, b.c", "#a, l[0]", "m.k, l[1][2]", "pk, #b.#x", "l"};

    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
    }

    @Test
    void randomExpressionsNeverBreakTheServer() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        long deadline = System.currentTimeMillis() + BUDGET_MILLIS;
        int sent = 0;
        int ok = 0;
        for (; sent < REQUESTS && System.currentTimeMillis() < deadline; sent++) {
            if (sent % 200 == 0) {
                resetItems();
            }
            String body = randomRequest(random);
            String operation = body.substring(0, body.indexOf('|'));
            String json = body.substring(body.indexOf('|') + 1);
            HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("Authorization", FAKE_AUTHORIZATION)
                    .header("X-Amz-Target", TARGET_PREFIX + operation)
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
            String context = "seed " + seed + ", request #" + sent + ": " + operation + " " + json + " -> "
                    + response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                ok++;
                continue;
            }
            assertThat(response.statusCode()).as(context).isEqualTo(400);
            assertThat(response.body()).as(context).containsAnyOf("#ValidationException\"",
                    "#ConditionalCheckFailedException\"");
        }
        assertThat(sent).as("seed %s: requests sent in the time budget", seed).isGreaterThan(500);
        assertThat(ok).as("seed %s: some requests succeed", seed).isGreaterThan(0);
    }

    private void resetItems() {
        for (String pk : new String[] {"f0", "f1", "f2"}) {
            post("PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"" + pk + "\"},"
                    + "\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"},"
                    + "\"l\":{\"L\":[{\"N\":\"1\"},{\"M\":{\"x\":{\"S\":\"y\"}}},{\"L\":[]}]},"
                    + "\"m\":{\"M\":{\"k\":{\"M\":{}}}},\"s\":{\"SS\":[\"p\",\"q\"]},\"n\":{\"N\":\"2\"}}}");
        }
    }

    private String randomRequest(Random random) {
        String key = "\"Key\":{\"pk\":{\"S\":\"f" + random.nextInt(4) + "\"}}";
        String start = "{\"TableName\":\"" + table + "\",";
        String maps = maps(random);
        switch (random.nextInt(4)) {
            case 0:
                return "PutItem|" + start + "\"Item\":{\"pk\":{\"S\":\"f" + random.nextInt(4) + "\"},\"a\":{\"N\":\""
                        + random.nextInt(3) + "\"}},\"ConditionExpression\":" + quote(expression(random, CONDITIONS))
                        + maps + returnValuesOnFailure(random) + "}";
            case 1:
                String condition = random.nextInt(3) == 0 ? ",\"ConditionExpression\":"
                        + quote(expression(random, CONDITIONS)) : "";
                return "UpdateItem|" + start + key + ",\"UpdateExpression\":" + quote(expression(random, UPDATES))
                        + condition + maps + ",\"ReturnValues\":\"" + pick(random, new String[] {"NONE", "ALL_OLD",
                            "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"}) + "\"}";
            case 2:
                return "DeleteItem|" + start + key + ",\"ConditionExpression\":" + quote(expression(random,
                        CONDITIONS)) + maps + returnValuesOnFailure(random) + "}";
            default:
                return "GetItem|" + start + key + ",\"ProjectionExpression\":" + quote(expression(random,
                        PROJECTIONS)) + (random.nextBoolean() ? namesOnly(random) : "") + "}";
        }
    }

    private static String returnValuesOnFailure(Random random) {
        return random.nextBoolean() ? ",\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"" : "";
    }

    /** A valid expression, a mutation of one, or random tokens. */
    private static String expression(Random random, String[] valid) {
        int mode = random.nextInt(10);
        if (mode < 2) {
            return pick(random, valid);
        }
        if (mode < 4) {
            StringBuilder soup = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                soup.append(pick(random, TOKENS));
                if (random.nextBoolean()) {
                    soup.append(' ');
                }
            }
            return soup.toString();
        }
        String text = pick(random, valid);
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            text = mutate(random, text);
        }
        return text;
    }

    private static String mutate(Random random, String text) {
        int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
        switch (random.nextInt(6)) {
            case 0:
                return text.substring(0, at) + pick(random, TOKENS) + text.substring(at);
            case 1:
                int end = Math.min(text.length(), at + 1 + random.nextInt(4));
                return at >= text.length() ? text : text.substring(0, at) + text.substring(end);
            case 2:
                return text.substring(0, at) + " " + pick(random, TOKENS) + " " + text.substring(at);
            case 3:
                return text + (random.nextBoolean() ? " AND " : ", ") + text;
            case 4:
                return "(".repeat(random.nextInt(3)) + text + ")".repeat(random.nextInt(3));
            default:
                return text.replace("[0]", "[" + random.nextInt(Integer.MAX_VALUE) + "]").replace("1",
                        pick(random, new String[] {"1", "0", "99999999999999999999", "-1", ""}));
        }
    }

    private String maps(Random random) {
        StringBuilder maps = new StringBuilder();
        if (random.nextInt(4) > 0) {
            maps.append(namesOnly(random));
        }
        if (random.nextInt(4) > 0) {
            List<String> entries = new ArrayList<>();
            for (String key : new String[] {":v", ":w", ":x", ":bad key", "v"}) {
                if (random.nextInt(key.startsWith(":") && key.length() == 2 ? 2 : 10) == 0) {
                    entries.add(quote(key) + ":" + randomValue(random, 0));
                } else if (key.length() == 2 && random.nextBoolean()) {
                    entries.add(quote(key) + ":" + randomValue(random, 0));
                }
            }
            maps.append(",\"ExpressionAttributeValues\":{").append(String.join(",", entries)).append('}');
        }
        return maps.toString();
    }

    private static String namesOnly(Random random) {
        List<String> entries = new ArrayList<>();
        for (String key : new String[] {"#a", "#b", "#x", "#", "a"}) {
            if (random.nextInt(key.length() == 2 ? 2 : 12) == 0) {
                entries.add(quote(key) + ":" + quote(pick(random, new String[] {"a", "b", "pk", "l", "m", "", "a.b",
                    "size"})));
            }
        }
        return ",\"ExpressionAttributeNames\":{" + String.join(",", entries) + "}";
    }

    private static String randomValue(Random random, int depth) {
        switch (random.nextInt(depth > 2 ? 8 : 11)) {
            case 0:
                return "{\"S\":" + quote(pick(random, new String[] {"", "x", "hello", "é𝄞", "N"})) + "}";
            case 1:
                return "{\"N\":" + quote(pick(random, new String[] {"1", "-2.5", "1e125", "1e126", "abc", "",
                    "99999999999999999999999999999999999999"})) + "}";
            case 2:
                return "{\"B\":" + quote(pick(random, new String[] {"AQID", "", "/w=="})) + "}";
            case 3:
                return "{\"SS\":[" + String.join(",", random.nextBoolean() ? List.of("\"a\"", "\"b\"")
                        : List.of("\"a\"", "\"a\"")) + "]}";
            case 4:
                return "{\"NS\":[" + (random.nextBoolean() ? "\"1\",\"2\"" : "") + "]}";
            case 5:
                return "{\"NULL\":" + random.nextBoolean() + "}";
            case 6:
                return "{\"BOOL\":" + random.nextBoolean() + "}";
            case 7:
                return "{}";
            case 8:
                return "{\"L\":[" + randomValue(random, depth + 1) + "]}";
            case 9:
                return "{\"M\":{\"k\":" + randomValue(random, depth + 1) + "}}";
            default:
                return "{\"BS\":[\"AQ==\"]}";
        }
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    /** A JSON string literal. */
    private static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }
}
