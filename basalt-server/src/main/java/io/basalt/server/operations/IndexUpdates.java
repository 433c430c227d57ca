package io.basalt.server.operations;

import io.basalt.cluster.BillingMode;
import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.IndexPhase;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatus;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.KeyAttribute;
import io.basalt.server.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * UpdateTable's {@code GlobalSecondaryIndexUpdates}: parsed with their constraint violations, then the request
 * rules (one action per entry, one per index), then the rules against the table as it stands (one online index
 * creation or deletion at a time, the index existing or not, the new index's keys, projection and throughput).
 * The sources are in docs/design/index-control-plane.md.
 */
final class IndexUpdates {
    private static final String INVALID = "One or more parameter values were invalid: ";
    private static final String IN_USE = "Attempt to change a resource which is still in use: ";

    enum Kind {
        CREATE, UPDATE, DELETE
    }

    /**
     * One action of the list.
     *
     * @param create the Create action's index; null for the others
     * @param throughput the Update action's units; null when absent
     */
    record Action(Kind kind, String indexName, IndexRequests create, Throughput throughput) {
    }

    /** One entry of the list: which of its three members were present (DynamoDB wants exactly one). */
    private record Entry(List<Action> actions) {
    }

    private final List<Entry> entries;

    private IndexUpdates(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The member; null when absent. */
    static IndexUpdates parse(JsonObject request, ValidationErrors errors) {
        List<JsonObject> list = request.getStructureList("GlobalSecondaryIndexUpdates", "GlobalSecondaryIndexUpdate");
        if (list == null) {
            return null;
        }
        List<Entry> entries = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String path = "globalSecondaryIndexUpdates." + (i + 1) + ".member";
            JsonObject entry = list.get(i);
            List<Action> actions = new ArrayList<>(1);
            if (entry != null) {
                JsonObject update = entry.getStructure("Update", "UpdateGlobalSecondaryIndexAction");
                if (update != null) {
                    String name = update.getString("IndexName");
                    errors.checkName(name, path + ".update.indexName");
                    Throughput throughput = Throughput.parse(update, path + ".update.provisionedThroughput", errors);
                    ItemRequests.rejectUnsupported(update, "OnDemandThroughput", "WarmThroughput");
                    actions.add(new Action(Kind.UPDATE, name, null, throughput));
                }
                JsonObject create = entry.getStructure("Create", "CreateGlobalSecondaryIndexAction");
                if (create != null) {
                    IndexRequests index = IndexRequests.parse(create, path + ".create", true, 0, errors);
                    actions.add(new Action(Kind.CREATE, index.name(), index, index.throughput()));
                }
                JsonObject delete = entry.getStructure("Delete", "DeleteGlobalSecondaryIndexAction");
                if (delete != null) {
                    String name = delete.getString("IndexName");
                    errors.checkName(name, path + ".delete.indexName");
                    actions.add(new Action(Kind.DELETE, name, null, null));
                }
            }
            entries.add(new Entry(actions));
        }
        return new IndexUpdates(entries);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<Action> actions() {
        List<Action> actions = new ArrayList<>();
        for (Entry entry : entries) {
            actions.addAll(entry.actions());
        }
        return actions;
    }

    /** The Create action, if any (a valid request has at most one). */
    Action creation() {
        for (Action action : actions()) {
            if (action.kind() == Kind.CREATE) {
                return action;
            }
        }
        return null;
    }

    int createsAndDeletes() {
        int count = 0;
        for (Action action : actions()) {
            if (action.kind() != Kind.UPDATE) {
                count++;
            }
        }
        return count;
    }

    /** The rules of the request alone, entry by entry. */
    void checkEntries() {
        Set<String> names = new HashSet<>();
        for (Entry entry : entries) {
            if (entry.actions().isEmpty()) {
                throw BasaltException.validation(INVALID + "One of GlobalSecondaryIndexUpdate.Update, "
                        + "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null");
            }
            if (entry.actions().size() > 1) {
                throw BasaltException.validation(INVALID + "Only one global secondary index action is allowed per "
                        + "GlobalSecondaryIndexUpdate object");
            }
            String name = entry.actions().get(0).indexName();
            if (!names.add(name)) {
                throw BasaltException.validation(INVALID + "Only one global secondary index update per index is "
                        + "allowed simultaneously. Index: " + name);
            }
        }
    }

    /**
     * The rules of the Create and Delete actions against {@code table}, which the node runs again under its lock.
     *
     * @param definitions the request's AttributeDefinitions (present when there is a Create)
     * @return the index a Create adds, or null
     */
    IndexDefinition checkCreateAndDelete(TableMetadata table, Map<String, String> definitions, BillingMode modeAfter,
            String region) {
        if (createsAndDeletes() > 1) {
            throw onlineIndexLimit();
        }
        for (IndexMetadata index : table.globalIndexes()) {
            boolean inTransition = index.phase() != IndexPhase.STEADY;
            // Deleting the index being built is how a creation is cancelled; everything else waits.
            boolean cancelsIt = index.phase() == IndexPhase.BACKFILLING && deletes(index.name());
            if (inTransition && !cancelsIt) {
                throw onlineIndexLimit();
            }
        }
        IndexDefinition created = null;
        for (Action action : actions()) {
            if (action.kind() == Kind.DELETE) {
                IndexMetadata index = table.index(action.indexName())
                        .orElseThrow(() -> indexNotFound(action.indexName(), table));
                if (!index.global()) {
                    throw BasaltException.validation("Cannot delete an index that is not a GlobalSecondaryIndex: "
                            + action.indexName());
                }
            } else if (action.kind() == Kind.CREATE) {
                created = checkCreate(action.create(), table, definitions, modeAfter, region);
            }
        }
        return created;
    }

    private boolean deletes(String indexName) {
        for (Action action : actions()) {
            if (action.kind() == Kind.DELETE && action.indexName().equals(indexName)) {
                return true;
            }
        }
        return false;
    }

    private static IndexDefinition checkCreate(IndexRequests index, TableMetadata table,
            Map<String, String> definitions, BillingMode modeAfter, String region) {
        // DynamoDB reports an existing name before anything about the new index's schema.
        if (table.index(index.name()).isPresent()) {
            throw BasaltException.validation("Attempting to create an index which already exists");
        }
        Map<String, String> merged = definitionsAfter(table, definitions, index);
        index.checkGlobalKeys(merged);
        index.checkProjection();
        if (modeAfter == BillingMode.PAY_PER_REQUEST && index.hasThroughput()) {
            throw BasaltException.validation(INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                    + "specified for index: " + index.name() + " when BillingMode is PAY_PER_REQUEST");
        }
        if (modeAfter == BillingMode.PROVISIONED && !index.hasThroughput()) {
            throw BasaltException.validation(INVALID + "Both ReadCapacityUnits and WriteCapacityUnits must be "
                    + "specified for index: " + index.name());
        }
        if (table.globalIndexes().size() >= CreateTableIndexes.MAX_GLOBAL_INDEXES) {
            throw new BasaltException(ErrorCode.LIMIT_EXCEEDED, "Subscriber limit exceeded: Number of global "
                    + "secondary indexes exceeds per-table limit of " + CreateTableIndexes.MAX_GLOBAL_INDEXES);
        }
        int projected = index.projectedNonKeyAttributes();
        for (IndexMetadata existing : table.indexes()) {
            projected += existing.index().projection().nonKeyAttributes().size();
        }
        IndexRequests.checkProjectedTotal(projected);
        ProvisionedThroughput throughput = ProvisionedThroughput.NONE;
        if (modeAfter == BillingMode.PROVISIONED) {
            index.throughput().checkIndexLimits(index.name(), region);
            throughput = ProvisionedThroughput.of(index.throughput().readCapacityUnits(),
                    index.throughput().writeCapacityUnits());
        }
        return index.definition(merged, null, throughput);
    }

    /**
     * The table's definitions with the request's added. Only the new index's key attributes are taken from the
     * request (DynamoDB ignores the rest); redefining one of them with another type is refused.
     */
    private static Map<String, String> definitionsAfter(TableMetadata table, Map<String, String> requested,
            IndexRequests index) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (KeyAttribute definition : table.attributeDefinitions()) {
            merged.put(definition.name(), definition.type().descriptor());
        }
        for (String key : index.keyNames()) {
            String type = requested.get(key);
            if (type == null) {
                continue;
            }
            String existing = merged.putIfAbsent(key, type);
            if (existing != null && !existing.equals(type)) {
                throw BasaltException.validation(INVALID + "Attributes cannot be redefined. Please check that your "
                        + "attribute has the same type as previously defined.");
            }
        }
        for (String key : index.keyNames()) {
            if (!merged.containsKey(key)) {
                throw BasaltException.validation(INVALID + "Some index key attributes are not defined in "
                        + "AttributeDefinitions. Keys: " + index.keyNames() + ", AttributeDefinitions: "
                        + new ArrayList<>(requested.keySet()));
            }
        }
        return merged;
    }

    /** The table's attribute definitions once {@code created} is added (its new key attributes appended). */
    static List<KeyAttribute> attributeDefinitionsWith(TableMetadata table, IndexDefinition created) {
        List<KeyAttribute> definitions = new ArrayList<>(table.attributeDefinitions());
        List<KeyAttribute> keys = new ArrayList<>(created.partitionKeys());
        keys.addAll(created.sortKeys());
        for (KeyAttribute key : keys) {
            if (definitions.stream().noneMatch(existing -> existing.name().equals(key.name()))) {
                definitions.add(key);
            }
        }
        return definitions;
    }

    /**
     * Applies the Update actions to {@code table}: each named global index gets its new units and reports UPDATING
     * until {@code readyAt}.
     *
     * @param modeAfter the billing mode once the request is applied
     */
    TableMetadata applyUpdates(TableMetadata table, BillingMode modeAfter, String region, Instant now,
            Instant readyAt) {
        TableMetadata result = table;
        for (Action action : actions()) {
            if (action.kind() != Kind.UPDATE) {
                continue;
            }
            String name = action.indexName();
            IndexMetadata index = table.index(name).orElseThrow(() -> indexNotFound(name, table));
            if (!index.global()) {
                throw BasaltException.validation("Cannot update an index that is not a GlobalSecondaryIndex: " + name);
            }
            checkUpdatable(table, index, now);
            if (modeAfter == BillingMode.PAY_PER_REQUEST) {
                throw BasaltException.validation(INVALID + "The only Updates for index: " + name + " when "
                        + "TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput");
            }
            Throughput units = action.throughput();
            if (units == null) {
                throw BasaltException.validation(INVALID + "ProvisionedThroughput must be specified for index: "
                        + name);
            }
            ProvisionedThroughput old = index.throughput();
            ProvisionedThroughput next;
            if (table.billingMode() == BillingMode.PAY_PER_REQUEST) {
                next = ProvisionedThroughput.of(units.readCapacityUnits(), units.writeCapacityUnits());
            } else {
                checkWillChange(name, old, units);
                next = old.changedTo(units.readCapacityUnits(), units.writeCapacityUnits(), now);
            }
            units.checkIndexLimits(name, region);
            result = result.withIndex(name, current -> current.withThroughput(next, readyAt));
        }
        return result;
    }

    /** The names of the indexes this request gives units to (every global index needs one when switching). */
    Set<String> updatedNames() {
        Set<String> names = new HashSet<>();
        for (Action action : actions()) {
            if (action.kind() != Kind.DELETE && action.throughput() != null) {
                names.add(action.indexName());
            }
        }
        return names;
    }

    private static void checkUpdatable(TableMetadata table, IndexMetadata index, Instant now) {
        String where = " Table: " + table.name() + " Index: " + index.name();
        switch (index.phase()) {
            case DELETING -> throw BasaltException.resourceInUse(IN_USE + "Index is being deleted." + where);
            case BACKFILLING -> throw BasaltException.resourceInUse(IN_USE + "Index is being created." + where);
            case STEADY -> {
                if (index.status(now) != TableStatus.ACTIVE) {
                    throw BasaltException.resourceInUse(IN_USE + "Index is being updated." + where);
                }
            }
        }
    }

    private static void checkWillChange(String name, ProvisionedThroughput old, Throughput units) {
        if (old.readCapacityUnits() == units.readCapacityUnits()
                && old.writeCapacityUnits() == units.writeCapacityUnits()) {
            throw BasaltException.validation("The provisioned throughput for the index " + name + " will not change. "
                    + "The requested value equals the current value. Current ReadCapacityUnits provisioned for index "
                    + name + ": " + old.readCapacityUnits() + ". Requested ReadCapacityUnits: "
                    + units.readCapacityUnits() + ". Current WriteCapacityUnits provisioned for index " + name + ": "
                    + old.writeCapacityUnits() + ". Requested WriteCapacityUnits: " + units.writeCapacityUnits()
                    + ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher "
                    + "limits.");
        }
    }

    static BasaltException indexNotFound(String indexName, TableMetadata table) {
        return BasaltException.resourceNotFound("Requested resource not found: Index " + indexName + " for table "
                + table.name());
    }

    private static BasaltException onlineIndexLimit() {
        return new BasaltException(ErrorCode.LIMIT_EXCEEDED, "Subscriber limit exceeded: Only 1 online index can be "
                + "created or deleted simultaneously per table");
    }
}
