package io.basalt.junit;

import static java.util.Objects.requireNonNull;

import io.basalt.embedded.EmbeddedBasalt;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * AWS SDK for Java v2 clients for one server, made from the SDK on the test's class path (Basalt brings none): the
 * builders use only the endpoint, region and credentials settings every 2.x release has, and leave the HTTP client
 * to the SDK's own choice among those present. The clients are made once and closed with the server.
 */
public final class SdkV2 implements AutoCloseable {
    private final EmbeddedBasalt server;
    private DynamoDbClient client;
    private DynamoDbAsyncClient asyncClient;

    SdkV2(EmbeddedBasalt server) {
        this.server = requireNonNull(server, "server is null");
    }

    /** A builder pointed at the server, for a client configured further (the caller closes what it builds). */
    public DynamoDbClientBuilder clientBuilder() {
        return DynamoDbClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.of(server.region()))
                .credentialsProvider(credentials());
    }

    /** An asynchronous client builder pointed at the server (the caller closes what it builds). */
    public DynamoDbAsyncClientBuilder asyncClientBuilder() {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.of(server.region()))
                .credentialsProvider(credentials());
    }

    /** The synchronous client for the server, closed with it. */
    public synchronized DynamoDbClient client() {
        if (client == null) {
            client = clientBuilder().build();
        }
        return client;
    }

    /** The asynchronous client for the server, closed with it. */
    public synchronized DynamoDbAsyncClient asyncClient() {
        if (asyncClient == null) {
            asyncClient = asyncClientBuilder().build();
        }
        return asyncClient;
    }

    /** An Enhanced client over {@link #client()} (needs {@code software.amazon.awssdk:dynamodb-enhanced}). */
    public DynamoDbEnhancedClient enhancedClient() {
        return DynamoDbEnhancedClient.builder().dynamoDbClient(client()).build();
    }

    /** Creates a table; it is ACTIVE when this returns. */
    public void createTable(CreateTableRequest request) {
        client().createTable(requireNonNull(request, "request is null"));
    }

    private StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(server.accessKeyId(), server.secretAccessKey()));
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
        if (asyncClient != null) {
            asyncClient.close();
        }
    }
}
