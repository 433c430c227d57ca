package io.basalt.junit;

import static java.util.Objects.requireNonNull;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDB;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBClientBuilder;
import com.amazonaws.services.dynamodbv2.datamodeling.DynamoDBMapper;
import com.amazonaws.services.dynamodbv2.model.CreateTableRequest;
import io.basalt.embedded.EmbeddedBasalt;

/**
 * AWS SDK for Java v1 clients for one server, made from the SDK on the test's class path (Basalt brings none). The
 * client is made once and shut down with the server.
 */
public final class SdkV1 implements AutoCloseable {
    private final EmbeddedBasalt server;
    private AmazonDynamoDB client;

    SdkV1(EmbeddedBasalt server) {
        this.server = requireNonNull(server, "server is null");
    }

    /** A builder pointed at the server, for a client configured further (the caller shuts down what it builds). */
    public AmazonDynamoDBClientBuilder clientBuilder() {
        return AmazonDynamoDBClientBuilder.standard()
                .withEndpointConfiguration(new EndpointConfiguration(server.endpoint().toString(), server.region()))
                .withCredentials(new AWSStaticCredentialsProvider(
                        new BasicAWSCredentials(server.accessKeyId(), server.secretAccessKey())));
    }

    /** The client for the server, shut down with it. */
    public synchronized AmazonDynamoDB client() {
        if (client == null) {
            client = clientBuilder().build();
        }
        return client;
    }

    /** A {@code DynamoDBMapper} over {@link #client()}. */
    public DynamoDBMapper mapper() {
        return new DynamoDBMapper(client());
    }

    /** Creates a table; it is ACTIVE when this returns. */
    public void createTable(CreateTableRequest request) {
        client().createTable(requireNonNull(request, "request is null"));
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.shutdown();
        }
    }
}
