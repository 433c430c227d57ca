package example;

import java.net.URI;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/** A small web application that keeps orders in DynamoDB. */
@SpringBootApplication
@RestController
public class OrdersApplication {
    private final DynamoDbClient dynamoDb;

    public OrdersApplication(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }

    @Bean
    static DynamoDbClient dynamoDbClient(@Value("${orders.dynamodb.endpoint}") URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("app", "app")))
                .build();
    }

    /** An order as the API shows it (serialized by Boot's Jackson). */
    public record Order(String id, String customer, long totalCents) {
    }

    @PutMapping("/orders/{id}")
    public Order put(@PathVariable String id, @RequestBody Order order) {
        dynamoDb.putItem(b -> b.tableName("Orders").item(Map.of(
                "id", AttributeValue.fromS(id),
                "customer", AttributeValue.fromS(order.customer()),
                "totalCents", AttributeValue.fromN(Long.toString(order.totalCents())))));
        return new Order(id, order.customer(), order.totalCents());
    }

    @GetMapping("/orders/{id}")
    public ResponseEntity<Order> get(@PathVariable String id) {
        GetItemResponse response = dynamoDb.getItem(b -> b.tableName("Orders")
                .key(Map.of("id", AttributeValue.fromS(id))).consistentRead(true));
        if (!response.hasItem()) {
            return ResponseEntity.notFound().build();
        }
        Map<String, AttributeValue> item = response.item();
        return ResponseEntity.ok(new Order(id, item.get("customer").s(), Long.parseLong(item.get("totalCents").n())));
    }
}
