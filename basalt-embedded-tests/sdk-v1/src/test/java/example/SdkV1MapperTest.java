package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.dynamodbv2.datamodeling.DynamoDBAttribute;
import com.amazonaws.services.dynamodbv2.datamodeling.DynamoDBHashKey;
import com.amazonaws.services.dynamodbv2.datamodeling.DynamoDBMapper;
import com.amazonaws.services.dynamodbv2.datamodeling.DynamoDBRangeKey;
import com.amazonaws.services.dynamodbv2.datamodeling.DynamoDBTable;
import com.amazonaws.services.dynamodbv2.model.CreateTableRequest;
import com.amazonaws.services.dynamodbv2.model.ProvisionedThroughput;
import io.basalt.junit.BasaltExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SdkV1MapperTest {
    /** Shared through JUnit's root store (one server for every class of the run asking for it). */
    @RegisterExtension
    static BasaltExtension basalt = BasaltExtension.inMemory().shared();

    @BeforeAll
    static void createTable() {
        // No SDK v2 here: the extension's v1 factory must not need it.
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("software.amazon.awssdk.services.dynamodb.DynamoDbClient"));
        DynamoDBMapper mapper = basalt.sdkV1().mapper();
        CreateTableRequest request = mapper.generateCreateTableRequest(Order.class)
                .withProvisionedThroughput(new ProvisionedThroughput(5L, 5L));
        basalt.sdkV1().createTable(request);
    }

    @Test
    void mapperSavesLoadsQueriesAndDeletes() {
        DynamoDBMapper mapper = basalt.sdkV1().mapper();
        mapper.save(new Order("CUSTOMER#1", "2026-04-21", 12995));
        mapper.save(new Order("CUSTOMER#1", "2026-04-22", 500));
        assertEquals(12995, mapper.load(Order.class, "CUSTOMER#1", "2026-04-21").getTotalCents());
        List<Order> orders = mapper.query(Order.class,
                new com.amazonaws.services.dynamodbv2.datamodeling.DynamoDBQueryExpression<Order>()
                        .withHashKeyValues(new Order("CUSTOMER#1", null, 0)));
        assertEquals(2, orders.size());
        mapper.delete(new Order("CUSTOMER#1", "2026-04-22", 0));
        assertNull(mapper.load(Order.class, "CUSTOMER#1", "2026-04-22"));
        assertTrue(basalt.sdkV1().client().listTables().getTableNames().contains("V1Orders"));
    }

    /** A DynamoDBMapper class. */
    @DynamoDBTable(tableName = "V1Orders")
    public static class Order {
        private String customer;
        private String date;
        private long totalCents;

        public Order() {
        }

        Order(String customer, String date, long totalCents) {
            this.customer = customer;
            this.date = date;
            this.totalCents = totalCents;
        }

        @DynamoDBHashKey
        public String getCustomer() {
            return customer;
        }

        public void setCustomer(String customer) {
            this.customer = customer;
        }

        @DynamoDBRangeKey
        public String getDate() {
            return date;
        }

        public void setDate(String date) {
            this.date = date;
        }

        @DynamoDBAttribute
        public long getTotalCents() {
            return totalCents;
        }

        public void setTotalCents(long totalCents) {
            this.totalCents = totalCents;
        }
    }
}
