package io.basalt.server;

import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * One DynamoDB operation. Called on a request worker thread (never a network thread) with the parsed body; it
 * validates, does the work and returns the response, or fails with a {@link io.basalt.model.BasaltException}.
 */
@FunctionalInterface
public interface OperationHandler {
    CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request);
}
