package io.basalt.server.operations;

import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeEndpoints: exactly one endpoint, this server as the client reached it (SDKs with endpoint discovery
 * call it and then send everything there).
 */
final class DescribeEndpointsHandler implements OperationHandler {
    private static final int CACHE_PERIOD_MINUTES = 1440;

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("Endpoints");
            out.writeStartObject();
            out.writeStringField("Address", context.host());
            out.writeNumberField("CachePeriodInMinutes", CACHE_PERIOD_MINUTES);
            out.writeEndObject();
            out.writeEndArray();
            out.writeEndObject();
        });
    }
}
