package io.basalt.server.operations;

import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.model.BasaltException;
import io.basalt.model.KeyAttribute;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One secondary index as a CreateTable ({@code LocalSecondaryIndexes}, {@code GlobalSecondaryIndexes}) or an
 * UpdateTable {@code Create} action sends it, and the rules DynamoDB applies to a single index. The order in which
 * the rules of several indexes run is the callers' (see docs/design/index-control-plane.md).
 *
 * @param keySchema as sent; null only when the request left it out (a constraint violation reported earlier)
 * @param projectionType null when the Projection named none
 * @param nonKeyAttributes null when absent
 * @param throughput null when absent (or incomplete, which is a constraint violation reported earlier)
 * @param hasThroughput whether the request carried a ProvisionedThroughput structure
 */
record IndexRequests(String name, boolean global, List<KeyElement> keySchema, String projectionType,
        List<String> nonKeyAttributes, Throughput throughput, boolean hasThroughput) {
    private static final List<String> PROJECTION_TYPES = List.of("ALL", "INCLUDE", "KEYS_ONLY");
    private static final int MAX_NON_KEY_ATTRIBUTES_PER_INDEX = 20;
    private static final String INVALID = "One or more parameter values were invalid: ";

    /**
     * Parses one index structure at {@code path} (e.g. {@code globalSecondaryIndexes.1.member}), collecting its
     * constraint violations.
     *
     * @param maxKeyElements 2 for local indexes; 0 (no limit) for global ones, whose multi-attribute keys are
     *     counted by the semantic rules instead
     */
    static IndexRequests parse(JsonObject json, String path, boolean global, int maxKeyElements,
            ValidationErrors errors) {
        String name = json.getString("IndexName");
        errors.checkName(name, path + ".indexName");
        List<JsonObject> keyList = json.getStructureList("KeySchema", "KeySchemaElement");
        errors.requireNonNull(keyList, path + ".keySchema");
        List<KeyElement> keySchema = SchemaRequests.keySchema(keyList, path + ".keySchema", false, maxKeyElements,
                errors);
        JsonObject projection = json.getStructure("Projection", "Projection");
        errors.requireNonNull(projection, path + ".projection");
        String projectionType = null;
        List<String> nonKeyAttributes = null;
        if (projection != null) {
            projectionType = projection.getString("ProjectionType");
            errors.checkEnum(projectionType, path + ".projection.projectionType", PROJECTION_TYPES);
            nonKeyAttributes = strings(projection.getList("NonKeyAttributes"));
            if (nonKeyAttributes != null && nonKeyAttributes.isEmpty()) {
                errors.add(nonKeyAttributes, path + ".projection.nonKeyAttributes",
                        "Member must have length greater than or equal to 1");
            } else if (nonKeyAttributes != null && nonKeyAttributes.size() > MAX_NON_KEY_ATTRIBUTES_PER_INDEX) {
                errors.add(nonKeyAttributes, path + ".projection.nonKeyAttributes",
                        "Member must have length less than or equal to " + MAX_NON_KEY_ATTRIBUTES_PER_INDEX);
            }
        }
        Throughput throughput = global ? Throughput.parse(json, path + ".provisionedThroughput", errors) : null;
        boolean hasThroughput = global && json.has("ProvisionedThroughput");
        if (global) {
            ItemRequests.rejectUnsupported(json, "OnDemandThroughput", "WarmThroughput");
        }
        return new IndexRequests(name, global, keySchema, projectionType, nonKeyAttributes, throughput,
                hasThroughput);
    }

    /** The indexes of a CreateTable list member; null when the member is absent. */
    static List<IndexRequests> parseList(JsonObject request, String member, String shape, boolean global,
            ValidationErrors errors) {
        List<JsonObject> list = request.getStructureList(member, shape);
        if (list == null) {
            return null;
        }
        String root = Character.toLowerCase(member.charAt(0)) + member.substring(1);
        List<IndexRequests> indexes = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String path = root + "." + (i + 1) + ".member";
            if (list.get(i) == null) {
                errors.requireNonNull(null, path + ".indexName").requireNonNull(null, path + ".keySchema")
                        .requireNonNull(null, path + ".projection");
                indexes.add(new IndexRequests(null, global, null, null, null, null, false));
            } else {
                indexes.add(parse(list.get(i), path, global, global ? 0 : 2, errors));
            }
        }
        return indexes;
    }

    private static List<String> strings(List<Object> values) {
        if (values == null) {
            return null;
        }
        List<String> strings = new ArrayList<>(values.size());
        for (Object value : values) {
            if (!(value instanceof String string)) {
                throw JsonObject.typeMismatch(value, "String");
            }
            strings.add(string);
        }
        return strings;
    }

    /**
     * A local index's key rules, in DynamoDB's order: its keys defined, distinct, HASH then RANGE, a sort key,
     * and the table's partition key as its own.
     */
    void checkLocalKeys(Map<String, String> definitions, String tableHashKey) {
        checkKeysStart(definitions);
        if (keySchema.size() == 2 && !keySchema.get(1).isRange()) {
            throw BasaltException.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
        }
        if (keySchema.size() != 2) {
            throw BasaltException.validation(INVALID + "Index KeySchema does not have a range key for index: " + name);
        }
        String indexHashKey = keySchema.get(0).name();
        if (!indexHashKey.equals(tableHashKey)) {
            throw BasaltException.validation(INVALID + "Index KeySchema does not have the same leading hash key as "
                    + "table KeySchema for index: " + name + ". index hash key: " + indexHashKey
                    + ", table hash key: " + tableHashKey);
        }
    }

    /**
     * A global index's key rules. Since multi-attribute keys (2025) a global index may have up to four HASH and
     * four RANGE elements, every HASH before the first RANGE; a two-element schema keeps the older same-name
     * message.
     */
    void checkGlobalKeys(Map<String, String> definitions) {
        checkKeysStart(definitions);
        Set<String> seen = new HashSet<>();
        for (KeyElement element : keySchema) {
            if (!seen.add(element.name())) {
                throw BasaltException.validation("The KeySchema contains multiple key attributes with the same name");
            }
        }
        int hashes = 0;
        int ranges = 0;
        for (KeyElement element : keySchema) {
            if (element.isHash()) {
                if (ranges > 0) {
                    throw BasaltException.validation(INVALID + "All HASH key attributes must precede RANGE key "
                            + "attributes in the KeySchema");
                }
                hashes++;
            } else if (element.isRange()) {
                ranges++;
            } else if (keySchema.size() == 2) {
                throw BasaltException.validation(
                        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
            } else {
                throw BasaltException.validation(INVALID + "All HASH key attributes must precede RANGE key "
                        + "attributes in the KeySchema");
            }
        }
        if (hashes > SecondaryIndex.MAX_KEY_ATTRIBUTES_PER_ROLE) {
            throw BasaltException.validation(INVALID + "The KeySchema exceeds the maximum allowed number of HASH key "
                    + "attributes");
        }
        if (ranges > SecondaryIndex.MAX_KEY_ATTRIBUTES_PER_ROLE) {
            throw BasaltException.validation(INVALID + "The KeySchema exceeds the maximum allowed number of RANGE "
                    + "key attributes");
        }
    }

    /** The rules local and global keys share, first: keys defined, a two-element key not repeated, HASH first. */
    private void checkKeysStart(Map<String, String> definitions) {
        SchemaRequests.checkDefined(keySchema, definitions);
        if (keySchema.size() == 2 && keySchema.get(0).name().equals(keySchema.get(1).name())) {
            throw BasaltException.validation(
                    "Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }
        if (!keySchema.get(0).isHash()) {
            throw BasaltException.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }
    }

    /** The Projection rules: a type, NonKeyAttributes exactly for INCLUDE, no name twice. */
    void checkProjection() {
        if (projectionType == null) {
            throw BasaltException.validation(INVALID + "Unknown ProjectionType: null");
        }
        if (!projectionType.equals("INCLUDE") && nonKeyAttributes != null) {
            throw BasaltException.validation(INVALID + "ProjectionType is " + projectionType
                    + ", but NonKeyAttributes is specified");
        }
        if (projectionType.equals("INCLUDE") && nonKeyAttributes == null) {
            throw BasaltException.validation(INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not "
                    + "specified");
        }
        if (nonKeyAttributes != null) {
            Set<String> seen = new HashSet<>();
            for (String attribute : nonKeyAttributes) {
                if (!seen.add(attribute)) {
                    throw BasaltException.validation(INVALID + "Duplicate element in NonKeyAttributes: " + attribute);
                }
            }
        }
    }

    /** How many projected non-key attributes this index counts towards the table's limit of 100. */
    int projectedNonKeyAttributes() {
        return nonKeyAttributes == null ? 0 : nonKeyAttributes.size();
    }

    /** Every key attribute this index names. */
    List<String> keyNames() {
        return SchemaRequests.names(keySchema);
    }

    /** The validated index, for the node. */
    IndexDefinition definition(Map<String, String> definitions, KeyAttribute tablePartitionKey,
            ProvisionedThroughput indexThroughput) {
        List<KeyAttribute> partitionKeys = new ArrayList<>();
        List<KeyAttribute> sortKeys = new ArrayList<>();
        for (KeyElement element : keySchema) {
            KeyAttribute attribute = SchemaRequests.keyAttribute(element.name(), definitions);
            if (element.isHash()) {
                partitionKeys.add(global ? attribute : tablePartitionKey);
            } else {
                sortKeys.add(attribute);
            }
        }
        Projection projection = switch (projectionType) {
            case "ALL" -> Projection.ALL;
            case "KEYS_ONLY" -> Projection.KEYS_ONLY;
            default -> Projection.include(nonKeyAttributes);
        };
        return new IndexDefinition(name, global, partitionKeys, sortKeys, projection, indexThroughput);
    }

    /** The limit DynamoDB puts on projected non-key attributes, summed over a table's indexes. */
    static void checkProjectedTotal(int total) {
        if (total > 100) {
            throw BasaltException.validation(INVALID + "Number of projected attributes in all indexes exceeds limit "
                    + "of 100");
        }
    }
}
