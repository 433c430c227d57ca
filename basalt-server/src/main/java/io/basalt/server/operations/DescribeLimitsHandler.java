package io.basalt.server.operations;

import io.basalt.model.Limits;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/** DescribeLimits: DynamoDB's default account and table quotas. */
final class DescribeLimitsHandler implements OperationHandler {
    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeNumberField("AccountMaxReadCapacityUnits", Limits.ACCOUNT_MAX_READ_CAPACITY_UNITS);
            out.writeNumberField("AccountMaxWriteCapacityUnits", Limits.ACCOUNT_MAX_WRITE_CAPACITY_UNITS);
            out.writeNumberField("TableMaxReadCapacityUnits", Limits.TABLE_MAX_READ_CAPACITY_UNITS);
            out.writeNumberField("TableMaxWriteCapacityUnits", Limits.TABLE_MAX_WRITE_CAPACITY_UNITS);
            out.writeEndObject();
        });
    }
}
