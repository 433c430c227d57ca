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
        return parse(request, "provisionedThroughput", errors);
    }

    /** The {@code ProvisionedThroughput} member of {@code container}, whose constraint path is {@code path}. */
    static Throughput parse(JsonObject container, String path, ValidationErrors errors) {
        JsonObject json = container.getStructure("ProvisionedThroughput", "ProvisionedThroughput");
        if (json == null) {
            return null;
        }
        Long read = json.getLong("ReadCapacityUnits");
        Long write = json.getLong("WriteCapacityUnits");
        // DynamoDB lists the write units first.
        checkUnits(write, path + ".writeCapacityUnits", errors);
        checkUnits(read, path + ".readCapacityUnits", errors);
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

    /**
     * The per-index maximum of a global index's units (a separate cap: a table at the maximum may still add an
     * index with units of its own). The message keeps DynamoDB's "Per table maximum" wording.
     */
    void checkIndexLimits(String indexName, String region) {
        checkIndexLimit(readCapacityUnits, "ReadCapacityUnits", indexName, region);
        checkIndexLimit(writeCapacityUnits, "WriteCapacityUnits", indexName, region);
    }

    private static void checkIndexLimit(long units, String name, String indexName, String region) {
        if (units > Limits.MAX_PROVISIONED_UNITS) {
            throw new BasaltException(ErrorCode.LIMIT_EXCEEDED, "The requested " + name + " for index " + indexName
                    + ", " + units + ", is above the per index maximum for the account in " + region
                    + ". Per table maximum: " + Limits.MAX_PROVISIONED_UNITS + ". Refer to the Amazon DynamoDB "
                    + "Developer Guide for current limits and how to request higher limits.");
        }
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
