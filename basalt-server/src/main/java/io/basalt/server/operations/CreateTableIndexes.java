package io.basalt.server.operations;

import io.basalt.cluster.BillingMode;
import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.model.BasaltException;
import io.basalt.model.KeyAttribute;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CreateTable's rules for {@code LocalSecondaryIndexes} and {@code GlobalSecondaryIndexes}, after the table's own
 * key schema rules, in DynamoDB's order: empty lists and the table sort key, every index's keys (local, then
 * global), AttributeDefinitions used exactly, then each index's projection, throughput and name, the counts, the
 * projected-attribute total and the per-index capacity cap. The sources of each step are in
 * docs/design/index-control-plane.md.
 */
final class CreateTableIndexes {
    static final int MAX_LOCAL_INDEXES = 5;
    static final int MAX_GLOBAL_INDEXES = 20;
    private static final String INVALID = "One or more parameter values were invalid: ";

    private CreateTableIndexes() {
    }

    /**
     * @param locals null when the request had no LocalSecondaryIndexes member
     * @param globals null when the request had no GlobalSecondaryIndexes member
     * @return the index definitions, local first, each list in request order
     */
    static List<IndexDefinition> check(List<IndexRequests> locals, List<IndexRequests> globals,
            List<KeyElement> tableKeys, Map<String, String> definitions, BillingMode mode, String region) {
        if (locals == null && globals == null) {
            return List.of();
        }
        String tableHashKey = tableKeys.get(0).name();
        if (locals != null) {
            if (locals.isEmpty()) {
                throw BasaltException.validation(INVALID + "List of LocalSecondaryIndexes is empty");
            }
            if (tableKeys.size() != 2) {
                throw BasaltException.validation(INVALID + "Table KeySchema does not have a range key, which is "
                        + "required when specifying a LocalSecondaryIndex");
            }
            for (IndexRequests local : locals) {
                local.checkLocalKeys(definitions, tableHashKey);
            }
        }
        if (globals != null) {
            if (globals.isEmpty()) {
                throw BasaltException.validation(INVALID + "List of GlobalSecondaryIndexes is empty");
            }
            for (IndexRequests global : globals) {
                global.checkGlobalKeys(definitions);
            }
        }
        checkAllDefinitionsUsed(tableKeys, locals, globals, definitions);

        Set<String> names = new HashSet<>();
        int projected = 0;
        List<IndexDefinition> result = new ArrayList<>();
        KeyAttribute tablePartitionKey = SchemaRequests.keyAttribute(tableHashKey, definitions);
        if (locals != null) {
            for (IndexRequests local : locals) {
                local.checkProjection();
                checkUniqueName(local, names);
                projected += local.projectedNonKeyAttributes();
                result.add(local.definition(definitions, tablePartitionKey, ProvisionedThroughput.NONE));
            }
            if (locals.size() > MAX_LOCAL_INDEXES) {
                throw BasaltException.validation(INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit "
                        + "of " + MAX_LOCAL_INDEXES);
            }
        }
        if (globals != null) {
            for (IndexRequests global : globals) {
                global.checkProjection();
                checkThroughput(global, mode);
                checkUniqueName(global, names);
                projected += global.projectedNonKeyAttributes();
                ProvisionedThroughput throughput = mode == BillingMode.PROVISIONED
                        ? ProvisionedThroughput.of(global.throughput().readCapacityUnits(),
                                global.throughput().writeCapacityUnits())
                        : ProvisionedThroughput.NONE;
                result.add(global.definition(definitions, tablePartitionKey, throughput));
            }
            if (globals.size() > MAX_GLOBAL_INDEXES) {
                throw BasaltException.validation(INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of "
                        + MAX_GLOBAL_INDEXES);
            }
        }
        IndexRequests.checkProjectedTotal(projected);
        if (globals != null && mode == BillingMode.PROVISIONED) {
            for (IndexRequests global : globals) {
                global.throughput().checkIndexLimits(global.name(), region);
            }
        }
        return result;
    }

    /**
     * With indexes, DynamoDB requires AttributeDefinitions to be exactly the key attributes of the table and its
     * indexes, and reports the surplus with both lists (without indexes the table rule's count message applies).
     */
    private static void checkAllDefinitionsUsed(List<KeyElement> tableKeys, List<IndexRequests> locals,
            List<IndexRequests> globals, Map<String, String> definitions) {
        Set<String> used = new LinkedHashSet<>(SchemaRequests.names(tableKeys));
        for (List<IndexRequests> indexes : java.util.Arrays.asList(locals, globals)) {
            if (indexes != null) {
                for (IndexRequests index : indexes) {
                    used.addAll(index.keyNames());
                }
            }
        }
        if (!used.containsAll(definitions.keySet())) {
            throw BasaltException.validation(INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: "
                    + new ArrayList<>(definitions.keySet()) + ", keys used: " + new ArrayList<>(used));
        }
    }

    private static void checkThroughput(IndexRequests global, BillingMode mode) {
        if (mode == BillingMode.PAY_PER_REQUEST && global.hasThroughput()) {
            throw BasaltException.validation(INVALID + "ProvisionedThroughput should not be specified for index: "
                    + global.name() + " when BillingMode is PAY_PER_REQUEST");
        }
        if (mode == BillingMode.PROVISIONED && !global.hasThroughput()) {
            throw BasaltException.validation(INVALID + "ProvisionedThroughput is not specified for index: "
                    + global.name());
        }
    }

    private static void checkUniqueName(IndexRequests index, Set<String> names) {
        if (!names.add(index.name())) {
            throw BasaltException.validation(INVALID + "Duplicate index name: " + index.name());
        }
    }
}
