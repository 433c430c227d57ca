package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * One client of a {@link HistoryRecorder}: sends register operations through an AWS SDK v2 {@link DynamoDbClient}
 * to the recorder's {@link RegisterTable} and records each with its outcome. Thread-safe, though a client is
 * normally one thread issuing one operation at a time.
 *
 * <p>How errors are recorded: ConditionalCheckFailedException on the conditional update is a definite failure;
 * any other 4xx means DynamoDB rejected the request and nothing changed (the error-handling page of the DynamoDB
 * developer guide: 4xx errors are problems with the request); a 5xx, a timeout, a reset or refused connection
 * or any other client-side error means the write may or may not have been applied, and is recorded unknown.
 *
 * <p>The SDK client must not retry. With retries, a first attempt that applied and lost its response could be
 * followed by a second attempt failing its condition (or throttled), and the recorder would record a definite
 * failure for a write that happened. {@link io.basalt.testing.TestClients#dynamoDb} makes such clients.
 */
public final class RecordingRegisterClient {
    private final HistoryRecorder recorder;
    private final String name;
    private final DynamoDbClient dynamoDb;

    RecordingRegisterClient(HistoryRecorder recorder, String name, DynamoDbClient dynamoDb) {
        this.recorder = requireNonNull(recorder, "recorder is null");
        this.name = requireNonNull(name, "name is null");
        this.dynamoDb = requireNonNull(dynamoDb, "dynamoDb is null");
        requireNoRetries(dynamoDb);
    }

    public String name() {
        return name;
    }

    /** A strongly consistent GetItem of the register. */
    public Outcome get(String key) {
        return record(key, Command.get(),
                () -> dynamoDb.getItem(request -> request.tableName(recorder.table()).key(key(key))
                        .consistentRead(true)),
                response -> Outcome.read(state(key, response)));
    }

    /** An unconditional PutItem of {@code (version, value)}. */
    public Outcome put(String key, long version, String value) {
        Map<String, AttributeValue> item = Map.of(RegisterTable.KEY, AttributeValue.fromS(key),
                RegisterTable.VERSION, AttributeValue.fromN(Long.toString(version)),
                RegisterTable.VALUE, AttributeValue.fromS(value));
        return record(key, Command.put(version, value),
                () -> dynamoDb.putItem(request -> request.tableName(recorder.table()).item(item)),
                response -> Outcome.ok());
    }

    /** An UpdateItem that writes {@code (expectedVersion + 1, value)} if the version is {@code expectedVersion}. */
    public Outcome update(String key, long expectedVersion, String value) {
        Map<String, AttributeValue> values = Map.of(
                ":expected", AttributeValue.fromN(Long.toString(expectedVersion)),
                ":next", AttributeValue.fromN(Long.toString(expectedVersion + 1)),
                ":value", AttributeValue.fromS(value));
        return record(key, Command.update(expectedVersion, value),
                () -> dynamoDb.updateItem(request -> request.tableName(recorder.table()).key(key(key))
                        .conditionExpression("#version = :expected")
                        .updateExpression("SET #version = :next, #value = :value")
                        .expressionAttributeNames(Map.of("#version", RegisterTable.VERSION,
                                "#value", RegisterTable.VALUE))
                        .expressionAttributeValues(values)),
                response -> Outcome.ok());
    }

    /** An unconditional DeleteItem. */
    public Outcome delete(String key) {
        return record(key, Command.delete(),
                () -> dynamoDb.deleteItem(request -> request.tableName(recorder.table()).key(key(key))),
                response -> Outcome.ok());
    }

    private <R> Outcome record(String key, Command command, Supplier<R> send, Function<R, Outcome> interpret) {
        HistoryRecorder.Call call = recorder.call(name, key, command);
        R response;
        try {
            response = send.get();
        } catch (ConditionalCheckFailedException e) {
            return complete(call, command.kind() == Command.Kind.UPDATE
                    ? Outcome.conditionFailed()
                    : Outcome.failed(errorName(e)));
        } catch (SdkServiceException e) {
            boolean rejected = e.statusCode() >= 400 && e.statusCode() < 500;
            return complete(call, rejected ? Outcome.failed(errorName(e)) : Outcome.unknown(errorName(e)));
        } catch (SdkClientException e) {
            return complete(call, Outcome.unknown(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } catch (RuntimeException | Error e) {
            complete(call, Outcome.unknown(e.toString()));
            throw e;
        }
        Outcome outcome;
        try {
            outcome = interpret.apply(response);
        } catch (RuntimeException e) {
            complete(call, Outcome.unknown(e.toString()));
            throw e;
        }
        return complete(call, outcome);
    }

    private Outcome complete(HistoryRecorder.Call call, Outcome outcome) {
        recorder.complete(call, outcome);
        return outcome;
    }

    private static String errorName(SdkServiceException e) {
        String code = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                ? aws.awsErrorDetails().errorCode()
                : null;
        return (code == null ? e.getClass().getSimpleName() : code) + " (HTTP " + e.statusCode() + ")";
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of(RegisterTable.KEY, AttributeValue.fromS(key));
    }

    private static RegisterState state(String key, GetItemResponse response) {
        if (!response.hasItem() || response.item().isEmpty()) {
            return RegisterState.ABSENT;
        }
        AttributeValue version = response.item().get(RegisterTable.VERSION);
        AttributeValue value = response.item().get(RegisterTable.VALUE);
        if (version == null || version.n() == null || value == null || value.s() == null) {
            throw new IllegalStateException("register " + key + " is not a (version, value) item: " + response.item());
        }
        return RegisterState.present(Long.parseLong(version.n()), value.s());
    }

    // A client may still be configured with the deprecated RetryPolicy, so it has to be read too.
    @SuppressWarnings("deprecation")
    private static void requireNoRetries(DynamoDbClient dynamoDb) {
        ClientOverrideConfiguration configuration = dynamoDb.serviceClientConfiguration().overrideConfiguration();
        // A legacy RetryPolicy, when set, wins over the strategy the SDK reports beside it.
        int attempts = configuration.retryPolicy()
                .map(policy -> policy.numRetries() == null ? 0 : policy.numRetries() + 1)
                .orElseGet(() -> configuration.retryStrategy().map(strategy -> strategy.maxAttempts()).orElse(0));
        if (attempts != 1) {
            throw new IllegalArgumentException("a recorded client must make exactly one attempt per request (it makes "
                    + (attempts == 0 ? "the SDK's default number" : attempts) + "): a retry after a lost response "
                    + "would be recorded with the outcome of the retry");
        }
    }
}
