package io.basalt.server.operations;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Limits;
import io.basalt.server.json.JsonObject;

/** The {@code ProvisionedThroughput} member of CreateTable and UpdateTable. */
record Throughput(long readCapacityUnits, long writeCapacityUnits) {
    private static final long OUT_OF_BOUNDS = 1_000_000_000_000L;

    /** Reads the member; null when absent. Constraint violations go to {@code errors}. */
    static Throughput parse(JsonObject request, ValidationErrors errors) {
        JsonObject json = request.getStructure("ProvisionedThroughput", "ProvisionedThroughput");
        if (json == null) {
            return null;
        }
        Long read = json.getLong("ReadCapacityUnits");
        Long write = json.getLong("WriteCapacityUnits");
        // DynamoDB lists the write units first.
        checkUnits(write, "provisionedThroughput.writeCapacityUnits", errors);
        checkUnits(read, "provisionedThroughput.readCapacityUnits", errors);
        return read == null || write == null ? null : new Throughput(read, write);
    }

    private static void checkUnits(Long units, String path, ValidationErrors errors) {
        if (units == null) {
            errors.requireNonNull(null, path);
        } else if (units < Limits.MIN_PROVISIONED_UNITS) {
            errors.add(units, path, "Member must have value greater than or equal to 1");
        }
    }

    /** The per-table maximum, checked after the request is otherwise valid (reads first, as DynamoDB does). */
    void checkLimits(String region) {
        checkLimit(readCapacityUnits, "ReadCapacityUnits", region);
        checkLimit(writeCapacityUnits, "WriteCapacityUnits", region);
    }

    private static void checkLimit(long units, String name, String region) {
        if (units > OUT_OF_BOUNDS) {
            throw BasaltException.validation("Given value " + units + " for " + name + " is out of bounds");
        }
        if (units > Limits.MAX_PROVISIONED_UNITS) {
            throw new BasaltException(ErrorCode.LIMIT_EXCEEDED, "The requested " + name + ", " + units
                    + ", is above the per table maximum for the account in " + region + ". Per table maximum: "
                    + Limits.MAX_PROVISIONED_UNITS + ". Refer to the Amazon DynamoDB Developer Guide for current "
                    + "limits and how to request higher limits.");
        }
    }
}
