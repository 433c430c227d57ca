package io.basalt.server;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import java.util.HashMap;
import java.util.Map;

/**
 * The operation lookup stage: the handlers the server answers, by API namespace and operation name, the two halves
 * of the {@code X-Amz-Target} header ({@code DynamoDB_20120810.GetItem}). DynamoDB is the only namespace today; the
 * Streams API ({@code DynamoDBStreams_20120810}) registers its operations here under its own namespace.
 *
 * <p>Handlers are held under the full target text so that a lookup is one hash probe of the header value, with no
 * substring per request. Not thread-safe while registering; read-only once the server starts.
 */
final class OperationRegistry {
    static final String DYNAMODB = "DynamoDB_20120810";
    static final String DYNAMODB_STREAMS = "DynamoDBStreams_20120810";

    private final Map<String, OperationHandler> handlers = new HashMap<>();

    OperationRegistry register(String namespace, String operation, OperationHandler handler) {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(operation, "operation is null");
        requireNonNull(handler, "handler is null");
        if (namespace.indexOf('.') >= 0 || operation.indexOf('.') >= 0) {
            throw new IllegalArgumentException("a namespace or operation name contains '.': " + namespace + "."
                    + operation);
        }
        if (handlers.putIfAbsent(namespace + "." + operation, handler) != null) {
            throw new IllegalArgumentException("registered twice: " + namespace + "." + operation);
        }
        return this;
    }

    /**
     * @param target the {@code X-Amz-Target} header, null when absent
     * @throws BasaltException UnknownOperationException: without a message for a name DynamoDB does not know
     *     either, as DynamoDB sends it (wire-reference.md §1.1 item 7); with one naming the operation for a
     *     DynamoDB operation Basalt does not answer yet, so that a user reads "not supported yet" rather than a
     *     bare error (the type stays DynamoDB's, which clients and tests match on)
     */
    OperationHandler lookup(String target) {
        OperationHandler handler = target == null ? null : handlers.get(target);
        if (handler == null) {
            throw new BasaltException(ErrorCode.UNKNOWN_OPERATION, notSupportedYet(target));
        }
        return handler;
    }

    private static String notSupportedYet(String target) {
        String prefix = DYNAMODB + ".";
        if (target == null || !target.startsWith(prefix)) {
            return null;
        }
        String operation = target.substring(prefix.length());
        return DynamoDbOperationNames.ALL.contains(operation)
                ? "The DynamoDB operation " + operation + " is not supported by Basalt yet" : null;
    }
}
