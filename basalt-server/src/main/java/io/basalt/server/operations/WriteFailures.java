package io.basalt.server.operations;

import io.basalt.partition.ConditionalCheckFailedException;
import java.util.concurrent.CompletionException;

/** Turns the failure of a write into what the client should see. */
final class WriteFailures {
    private WriteFailures() {
    }

    /** A failed condition carries the old item when the request asked for it; other failures pass unchanged. */
    static RuntimeException translate(Throwable failure, ItemRequests.WriteParameters parameters) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ConditionalCheckFailedException failed && parameters.returnItemOnConditionFailure()) {
            return failed.returningItem();
        }
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }
}
