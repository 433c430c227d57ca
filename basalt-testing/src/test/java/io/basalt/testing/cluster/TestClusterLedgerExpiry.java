package io.basalt.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.NodeConfig;
import io.basalt.testing.TestClients;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The transaction ledger's expiry sweep on a cluster (docs/design/cluster.md §14): a TransactWriteItems token's
 * row, spread with the ledger table over the data groups, is deleted after its 10 minutes by the node leading its
 * partition — by exactly one node — and the token then starts afresh.
 */
@Tag("raft")
@Timeout(180)
class TestClusterLedgerExpiry {
    /** The cluster's first elections: about 20 s seen once at load average 74 (cluster.md, "s19 flakes"). */
    private static final Duration FIRST_LEADERS = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void anExpiredTokensRowIsDroppedByTheLeaderOfItsPartitionAlone() throws Exception {
        SkewedClock clock = new SkewedClock();
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 3, 2)) {
            cluster.awaitLeaders(FIRST_LEADERS);
            cluster.serve(NodeConfig.defaults().withClock(clock));
            try (DynamoDbClient client = TestClients.dynamoDb(cluster.endpoint(1))) {
                client.createTable(b -> b.tableName("Accounts").billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                                .attributeType(ScalarAttributeType.S).build())
                        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
                client.waiter().waitUntilTableExists(b -> b.tableName("Accounts"));
                client.transactWriteItems(transfer("token-old", 1));

                // Within 10 minutes the token answers for its request: a different one is a mismatch.
                clock.skew(Duration.ofMinutes(9));
                assertThat(dropEverywhere(cluster)).as("nothing expired yet").isZero();
                try {
                    client.transactWriteItems(transfer("token-old", 2));
                    throw new AssertionError("a reused token with other parameters was accepted");
                } catch (IdempotentParameterMismatchException expected) {
                    // as DynamoDB
                }

                clock.skew(Duration.ofMinutes(11));
                // The row forgets its participants after the commit (not waited for by the client): until then it
                // is not dropped, so sweep until it is.
                int dropped = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (dropped == 0 && System.nanoTime() < deadline) {
                    dropped = dropEverywhere(cluster);
                    Thread.sleep(100);
                }
                assertThat(dropped).as("one row, dropped by one node").isEqualTo(1);
                assertThat(dropEverywhere(cluster)).isZero();
                // An expired token starts afresh.
                client.transactWriteItems(transfer("token-old", 2));
                assertThat(client.getItem(b -> b.tableName("Accounts").consistentRead(true)
                        .key(Map.of("pk", AttributeValue.fromS("a")))).item().get("balance").n()).isEqualTo("3");
            }
        }
    }

    private static int dropEverywhere(BasaltTestCluster cluster) {
        int dropped = 0;
        for (int node = 1; node <= cluster.size(); node++) {
            dropped += cluster.server(node).node().dropExpiredLedgerRowsNow();
        }
        return dropped;
    }

    private static TransactWriteItemsRequest transfer(String token, int amount) {
        return TransactWriteItemsRequest.builder().clientRequestToken(token).transactItems(item -> item.update(u -> u
                .tableName("Accounts").key(Map.of("pk", AttributeValue.fromS("a")))
                .updateExpression("ADD balance :n")
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Integer.toString(amount))))))
                .build();
    }

    /** The system clock moved forward by a skew the test sets (time keeps running, so elections and phases do). */
    private static final class SkewedClock extends Clock {
        private volatile Duration skew = Duration.ZERO;

        void skew(Duration to) {
            skew = to;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(skew);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
