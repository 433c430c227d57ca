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

    /** @throws BasaltException UnknownOperationException (no message, as DynamoDB sends it) */
    OperationHandler lookup(String target) {
        OperationHandler handler = target == null ? null : handlers.get(target);
        if (handler == null) {
            throw new BasaltException(ErrorCode.UNKNOWN_OPERATION, null);
        }
        return handler;
    }
}
