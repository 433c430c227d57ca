package io.basalt.server.operations;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import io.basalt.expressions.eval.Projector;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.WriteOutcome;
import io.basalt.server.ResponseBody;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.List;

/** Parameters that every single-item operation shares, read and checked the same way everywhere. */
final class ItemRequests {
    static final List<String> CAPACITY_MODES = List.of("INDEXES", "TOTAL", "NONE");
    static final List<String> RETURN_VALUES = List.of("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW");
    static final List<String> ITEM_COLLECTION_METRICS = List.of("SIZE", "NONE");
    static final List<String> RETURN_ON_CONDITION_FAILURE = List.of("ALL_OLD", "NONE");

    private ItemRequests() {
    }

    /** The common parameters of PutItem, DeleteItem and UpdateItem. */
    record WriteParameters(String tableName, Capacity.Mode capacity, String returnValues,
            boolean returnItemOnConditionFailure, String returnItemCollectionMetrics) {
    }

    static WriteParameters writeParameters(JsonObject request, ValidationErrors errors) {
        String tableName = TableNames.forItems(request.getString("TableName"), errors);
        String returnValues = request.getString("ReturnValues");
        errors.checkEnum(returnValues, "returnValues", RETURN_VALUES);
        String capacity = request.getString("ReturnConsumedCapacity");
        errors.checkEnum(capacity, "returnConsumedCapacity", CAPACITY_MODES);
        String metrics = request.getString("ReturnItemCollectionMetrics");
        errors.checkEnum(metrics, "returnItemCollectionMetrics", ITEM_COLLECTION_METRICS);
        String onFailure = request.getString("ReturnValuesOnConditionCheckFailure");
        errors.checkEnum(onFailure, "returnValuesOnConditionCheckFailure", RETURN_ON_CONDITION_FAILURE);
        LegacyExpected.checkConstraints(request, errors);
        return new WriteParameters(tableName, errors.isEmpty() ? Capacity.mode(capacity) : Capacity.Mode.NONE,
                returnValues == null ? "NONE" : returnValues, "ALL_OLD".equals(onFailure), metrics);
    }

    /**
     * Refuses parameters that Basalt does not implement yet, so that a request is never half-understood: the
     * client gets an error rather than a write that ignored its condition.
     */
    static void rejectUnsupported(JsonObject request, String... names) {
        for (String name : names) {
            if (request.has(name)) {
                throw BasaltException.validation("Basalt does not support the " + name
                        + " parameter yet (see docs/compatibility.md)");
            }
        }
    }

    /**
     * Runs a request-validation step of PutItem, UpdateItem or DeleteItem. DynamoDB (since 2026) reports these
     * operations' request errors inside the constraint envelope, {@code 1 validation error detected: ...}, while
     * GetItem reports the same errors bare.
     */
    static <T> T enveloped(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (BasaltException e) {
            if (e.code() == io.basalt.model.ErrorCode.VALIDATION && !e.getMessage().contains("validation error")) {
                throw BasaltException.validation("1 validation error detected: " + e.getMessage());
            }
            throw e;
        }
    }

    /**
     * The JSON depth past which DynamoDB's PutItem, UpdateItem and DeleteItem read the request in an older form:
     * values nested 63 levels (JSON depth 129 and more) get the older answers, values nested 40 levels (depth 85 and
     * less) the newer ones (CS validation-ordering/deepRequests.test.ts, docs/design/error-texts.md §4). 128 is
     * Basalt's reading of "about 62 levels": the exact boundary between the captures is not known.
     */
    static final int OLDER_FORM_DEPTH = 128;

    /**
     * The error PutItem or DeleteItem reports instead of {@code failure}, a request-validation error: past
     * {@link #OLDER_FORM_DEPTH}, DynamoDB checks ReturnValues ahead of the values' nesting and words its refusal
     * bare (captured for DeleteItem with UPDATED_NEW and a condition value nested 100 levels; PutItem by analogy,
     * as the capture says both read ReturnValues the same way there). Runs only on the error path.
     */
    static BasaltException olderFormFirst(BasaltException failure, JsonObject request, WriteParameters parameters) {
        if (failure.getMessage().endsWith(AttributeValueJson.NESTING_MESSAGE)
                && !parameters.returnValues().equals("NONE") && !parameters.returnValues().equals("ALL_OLD")
                && deeperThan(request, OLDER_FORM_DEPTH, 1)) {
            return BasaltException.validation("ReturnValues can only be ALL_OLD or NONE");
        }
        return failure;
    }

    /** Whether a parsed JSON object or array nests deeper than {@code limit}, {@code depth} being its own level. */
    private static boolean deeperThan(Object value, int limit, int depth) {
        if (depth > limit) {
            return true;
        }
        Iterable<?> children = value instanceof JsonObject object ? object.members().values()
                : value instanceof List<?> list ? list : List.of();
        for (Object child : children) {
            boolean container = child instanceof JsonObject || child instanceof List<?>;
            if (container && deeperThan(child, limit, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Checks that PutItem and DeleteItem ask only for the return values they can give. */
    static void requireNoneOrAllOld(WriteParameters parameters) {
        if (!parameters.returnValues().equals("NONE") && !parameters.returnValues().equals("ALL_OLD")) {
            throw BasaltException.validation("1 validation error detected: ReturnValues can only be ALL_OLD or NONE");
        }
    }

    /**
     * The response of a single-item write: the attributes ReturnValues asks for, the consumed capacity and the item
     * collection metrics; a failed condition carries the old item when the request asked for it.
     */
    static CompletableFuture<ResponseBody> respond(CompletableFuture<EvaluatedWrite> write,
            WriteParameters parameters, TableMetadata table, PrimaryKey key) {
        return write
                .exceptionally(failure -> {
                    throw WriteFailures.translate(failure, parameters);
                })
                .thenApply(done -> out -> {
                    out.writeStartObject();
                    writeAttributes(out, returned(done.outcome(), parameters.returnValues()));
                    new WriteCapacity().add(done).writeMember(out, parameters.capacity(), table.name());
                    if (ItemCollectionMetrics.applies(parameters.returnItemCollectionMetrics(), done)) {
                        out.writeFieldName("ItemCollectionMetrics");
                        ItemCollectionMetrics.writeObject(out, table, key.partitionValue(), done);
                    }
                    out.writeEndObject();
                });
    }

    /** What ReturnValues selects: whole images, or only the attributes the update touched. */
    private static Item returned(WriteOutcome outcome, String returnValues) {
        switch (returnValues) {
            case "ALL_OLD":
                return outcome.oldItem();
            case "ALL_NEW":
                return outcome.newItem();
            case "UPDATED_OLD":
                return touched(outcome.oldItem(), outcome);
            case "UPDATED_NEW":
                return touched(outcome.newItem(), outcome);
            default:
                return null;
        }
    }

    /** Just the paths an update changed, nested as in the item (DynamoDB's UPDATED_OLD and UPDATED_NEW). */
    private static Item touched(Item image, WriteOutcome outcome) {
        if (image == null || outcome.updatedPaths().isEmpty()) {
            return null;
        }
        return Projector.project(outcome.updatedPaths(), image);
    }

    /** Writes {@code "Attributes": {...}} when there is an item to return. */
    static void writeAttributes(JsonGenerator out, Item attributes) throws IOException {
        if (attributes != null && !attributes.isEmpty()) {
            out.writeFieldName("Attributes");
            AttributeValueJson.writeItem(out, attributes.attributes());
        }
    }

    static JsonObject requireObject(JsonObject request, String member, String path, ValidationErrors errors) {
        JsonObject value = request.getAttributeMap(member);
        errors.requireNonNull(value, path);
        return value;
    }
}
