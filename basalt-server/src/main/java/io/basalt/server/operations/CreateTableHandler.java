package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.BillingMode;
import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableClass;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatistics;
import io.basalt.model.AttributeType;
import io.basalt.model.BasaltException;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** CreateTable, with DynamoDB's checks in DynamoDB's order. */
final class CreateTableHandler implements OperationHandler {
    private static final List<String> BILLING_MODES = List.of("PROVISIONED", "PAY_PER_REQUEST");

    private final BasaltNode node;

    CreateTableHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.CREATE_TABLE);
        String tableName = TableNames.forTables(request.getString("TableName"), errors);
        Map<String, String> definitions = SchemaRequests.attributeDefinitions(request, true, errors);
        List<JsonObject> keyList = request.getStructureList("KeySchema", "KeySchemaElement");
        errors.requireNonNull(keyList, "keySchema");
        List<KeyElement> keySchema = keyList == null ? List.of()
                : SchemaRequests.keySchema(keyList, "keySchema", true, 2, errors);
        // DynamoDB lists the global indexes' constraint violations before the local ones', whatever the order of
        // the request (captures of October 2026, docs/design/error-texts.md).
        List<IndexRequests> globals = IndexRequests.parseList(request, "GlobalSecondaryIndexes",
                "GlobalSecondaryIndex", true, errors);
        List<IndexRequests> locals = IndexRequests.parseList(request, "LocalSecondaryIndexes",
                "LocalSecondaryIndex", false, errors);
        Throughput throughput = Throughput.parse(request, errors);
        String billingMode = request.getString("BillingMode");
        errors.checkEnum(billingMode, "billingMode", BILLING_MODES);
        Map<String, String> tags = Tags.parse(request, errors);
        errors.throwIfAny();

        ItemRequests.rejectUnsupported(request, "OnDemandThroughput", "WarmThroughput", "ResourcePolicy");
        BillingMode mode = billingMode == null ? BillingMode.PROVISIONED : BillingMode.valueOf(billingMode);
        if (mode == BillingMode.PROVISIONED && throughput == null) {
            throw BasaltException.validation("One or more parameter values were invalid: ReadCapacityUnits and "
                    + "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
        }
        if (mode == BillingMode.PAY_PER_REQUEST && request.has("ProvisionedThroughput")) {
            throw BasaltException.validation("One or more parameter values were invalid: Neither ReadCapacityUnits "
                    + "nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        }
        if (throughput != null) {
            throughput.checkLimits(context.region());
        }
        boolean indexed = locals != null || globals != null;
        KeySchema schema = checkKeySchema(keySchema, definitions, indexed);
        List<IndexDefinition> indexes = CreateTableIndexes.check(locals, globals, keySchema, definitions, mode,
                context.region());
        checkStreams(request);
        checkEncryption(request);
        TableClass tableClass = tableClass(request.getString("TableClass"));
        if (tags != null) {
            Tags.checkContent(tags);
            Tags.checkCount(tags.size());
        }

        List<KeyAttribute> attributeDefinitions = new ArrayList<>();
        definitions.forEach((name, type) -> attributeDefinitions.add(
                new KeyAttribute(name, AttributeType.fromDescriptor(type))));
        TableDefinition definition = new TableDefinition(tableName, schema, attributeDefinitions, mode,
                mode == BillingMode.PROVISIONED
                        ? ProvisionedThroughput.of(throughput.readCapacityUnits(), throughput.writeCapacityUnits())
                        : ProvisionedThroughput.NONE,
                Boolean.TRUE.equals(request.getBoolean("DeletionProtectionEnabled")), tableClass,
                tags == null ? Map.of() : tags, indexes);
        TableMetadata table = node.createTable(definition);
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeFieldName("TableDescription");
            TableDescriptions.write(out, table, new TableStatistics(0, 0), table.pendingStatus(), table.throughput(),
                    IndexDescriptions.created(table), context, TableDescriptions.Variant.CREATED);
            out.writeEndObject();
        });
    }

    /** The key schema rules DynamoDB applies after the constraints, first failure wins. */
    private static KeySchema checkKeySchema(List<KeyElement> elements, Map<String, String> definitions,
            boolean indexed) {
        List<String> undefined = new ArrayList<>();
        for (KeyElement element : elements) {
            if (!definitions.containsKey(element.name())) {
                undefined.add(element.name());
            }
        }
        if (!undefined.isEmpty()) {
            if (elements.size() == 2) {
                throw BasaltException.validation("Invalid KeySchema: Some index key attribute have no definition");
            }
            throw BasaltException.validation("One or more parameter values were invalid: Some index key attributes "
                    + "are not defined in AttributeDefinitions. Keys: " + SchemaRequests.names(elements)
                    + ", AttributeDefinitions: "
                    + new ArrayList<>(definitions.keySet()));
        }
        if (elements.size() == 2 && elements.get(0).name().equals(elements.get(1).name())) {
            // Current DynamoDB's text starts "Invalid KeySchema" (conformance run against DynamoDB, 2026); the rest
            // is the sentence dynalite recorded earlier, without the prefix (docs/design/error-texts.md).
            throw BasaltException.validation("Invalid KeySchema: Both the Hash Key and the Range Key element in the "
                    + "KeySchema have the same name");
        }
        if (!elements.get(0).keyType().equals("HASH")) {
            throw BasaltException.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }
        if (elements.size() == 2 && !elements.get(1).keyType().equals("RANGE")) {
            throw BasaltException.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
        }
        // With indexes, the exact-use rule is checked with the index keys (CreateTableIndexes).
        if (!indexed && definitions.size() != elements.size()) {
            throw BasaltException.validation("One or more parameter values were invalid: Number of attributes in "
                    + "KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
        }
        KeyAttribute partitionKey = keyAttribute(elements.get(0), definitions);
        Optional<KeyAttribute> sortKey = elements.size() == 2
                ? Optional.of(keyAttribute(elements.get(1), definitions)) : Optional.empty();
        return new KeySchema(partitionKey, sortKey);
    }

    private static KeyAttribute keyAttribute(KeyElement element, Map<String, String> definitions) {
        return new KeyAttribute(element.name(), AttributeType.fromDescriptor(definitions.get(element.name())));
    }

    /** Streams are a later capability: a request that enables one is refused rather than silently ignored. */
    private static void checkStreams(JsonObject request) {
        JsonObject streams = request.getStructure("StreamSpecification", "StreamSpecification");
        if (streams == null) {
            return;
        }
        boolean enabled = Boolean.TRUE.equals(streams.getBoolean("StreamEnabled"));
        if (enabled) {
            throw BasaltException.validation("Basalt does not support the StreamSpecification parameter with "
                    + "StreamEnabled=true yet (see docs/compatibility.md)");
        }
        if (streams.has("StreamViewType")) {
            throw BasaltException.validation("One or more parameter values were invalid: Table is being created "
                    + "with a stream disabled, UpdateViewType should not be specified");
        }
    }

    /** Customer-managed encryption at rest is a later capability; refuse it rather than claim it. */
    private static void checkEncryption(JsonObject request) {
        JsonObject sse = request.getStructure("SSESpecification", "SSESpecification");
        if (sse != null && Boolean.TRUE.equals(sse.getBoolean("Enabled"))) {
            throw BasaltException.validation("Basalt does not support the SSESpecification parameter with "
                    + "Enabled=true yet (see docs/compatibility.md)");
        }
    }

    static TableClass tableClass(String value) {
        if (value == null) {
            return null;
        }
        try {
            return TableClass.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw BasaltException.validation("Invalid table-class parameter provided. Please try again with a valid "
                    + "table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].");
        }
    }
}
