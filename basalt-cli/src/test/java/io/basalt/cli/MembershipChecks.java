package io.basalt.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What the membership tests (TestJoin, TestReplaceDeadNode, TestTwoNodeCluster, TestLeaderBalance) read of node
 * processes: each node's {@code GET /_basalt/cluster/node} (the groups it hosts and leads), and a few table helpers
 * with bounded retries (a request during a membership change may be refused and is asked again).
 */
final class MembershipChecks {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern GROUPS = Pattern.compile("\"Groups\"\\s*:\\s*\\[([^]]*)]");
    private static final Pattern LEADER_OF = Pattern.compile("\"LeaderOf\"\\s*:\\s*\\[([^]]*)]");
    private static final Pattern METADATA_VOTERS = Pattern.compile("\"MetadataVoters\"\\s*:\\s*\\[([^]]*)]");
    private static final Pattern RAFT_TRANSPORT = Pattern.compile("\"RaftTransport\"\\s*:\\s*\"([^\"]*)\"");

    private MembershipChecks() {
    }

    /** The groups node {@code endpoint} hosts a member of (0 is the metadata group); empty when it does not answer. */
    static List<Long> hostedGroups(URI endpoint) {
        return numbers(GROUPS, describe(endpoint));
    }

    /** The groups node {@code endpoint} leads now. */
    static List<Long> ledGroups(URI endpoint) {
        return numbers(LEADER_OF, describe(endpoint));
    }

    /** The metadata group's voters as node {@code endpoint}'s registry records them. */
    static List<Long> metadataVoters(URI endpoint) {
        return numbers(METADATA_VOTERS, describe(endpoint));
    }

    /** The Raft transport node {@code endpoint} names (its node.json's); null when it does not answer. */
    static String raftTransport(URI endpoint) {
        Matcher matcher = RAFT_TRANSPORT.matcher(describe(endpoint));
        return matcher.find() ? matcher.group(1) : null;
    }

    private static String describe(URI endpoint) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/_basalt/cluster/node"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static List<Long> numbers(Pattern field, String body) {
        Matcher matcher = field.matcher(body);
        List<Long> numbers = new ArrayList<>();
        if (matcher.find()) {
            for (String number : matcher.group(1).split(",")) {
                if (!number.isBlank()) {
                    numbers.add(Long.parseLong(number.trim()));
                }
            }
        }
        return numbers;
    }

    /** Waits (bounded) until {@code condition} holds; fails with {@code description} and the last value seen. */
    static <T> T await(String description, Duration timeout, Supplier<T> value, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(description + " within " + timeout + "; last seen: " + last);
            }
            Thread.sleep(250);
            last = value.get();
        }
        return last;
    }

    /** A call retried (bounded: 60 s) while the cluster refuses it (elections, membership changes). */
    static <T> T retry(Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return call.get();
            } catch (SdkException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    static void createTable(DynamoDbClient client, String name) throws InterruptedException {
        retry(() -> client.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                        .attributeType(ScalarAttributeType.S).build())));
        retry(() -> client.waiter().waitUntilTableExists(b -> b.tableName(name)));
    }

    static void put(DynamoDbClient client, String table, String pk, String value) throws InterruptedException {
        retry(() -> client.putItem(b -> b.tableName(table).item(Map.of("pk", s(pk), "v", s(value)))));
    }

    /** The item's {@code v}, read strongly; null when there is no item. */
    static String getStrongly(DynamoDbClient client, String table, String pk) throws InterruptedException {
        Map<String, AttributeValue> item = retry(() -> client.getItem(b -> b.tableName(table)
                .key(Map.of("pk", s(pk))).consistentRead(true)).item());
        return item == null || item.isEmpty() ? null : item.get("v").s();
    }

    static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }
}
