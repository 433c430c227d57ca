package io.basalt.server;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import java.util.HashMap;
import java.util.Map;

/** The operations the server answers, by the value of the {@code X-Amz-Target} header. */
final class Operations {
    static final String DYNAMODB_PREFIX = "DynamoDB_20120810.";

    private final Map<String, OperationHandler> handlers = new HashMap<>();

    Operations register(String operation, OperationHandler handler) {
        handlers.put(DYNAMODB_PREFIX + requireNonNull(operation, "operation is null"),
                requireNonNull(handler, "handler is null"));
        return this;
    }

    /**
     * @throws BasaltException UnknownOperationException: without a message for a name DynamoDB does not know
     *     either, as DynamoDB sends it; with one naming the operation for a DynamoDB operation Basalt does not
     *     answer yet, so that a user reads "not supported yet" rather than a bare error (the type stays
     *     DynamoDB's, which clients and tests match on)
     */
    OperationHandler lookup(String target) {
        OperationHandler handler = target == null ? null : handlers.get(target);
        if (handler == null) {
            throw new BasaltException(ErrorCode.UNKNOWN_OPERATION, notSupportedYet(target));
        }
        return handler;
    }

    private static String notSupportedYet(String target) {
        if (target == null || !target.startsWith(DYNAMODB_PREFIX)) {
            return null;
        }
        String operation = target.substring(DYNAMODB_PREFIX.length());
        return DynamoDbOperationNames.ALL.contains(operation)
                ? "The DynamoDB operation " + operation + " is not supported by Basalt yet" : null;
    }
}
