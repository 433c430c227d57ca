package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.BillingMode;
import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.IndexPhase;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableChange;
import io.basalt.cluster.TableChangedException;
import io.basalt.cluster.TableClass;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatus;
import io.basalt.model.BasaltException;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * UpdateTable: billing mode, provisioned throughput, deletion protection, table class and global secondary indexes
 * (Create, Update, Delete). Throughput and billing changes put the table in UPDATING for the configured time; the
 * response shows the old units with the new change timestamps, as DynamoDB's does, for the table and for each
 * index whose units change. An index Create or Delete goes through the node (the index engine backfills or drops
 * it); the other changes are one metadata update.
 */
final class UpdateTableHandler implements OperationHandler {
    private static final List<String> BILLING_MODES = List.of("PROVISIONED", "PAY_PER_REQUEST");
    private static final String INVALID = "One or more parameter values were invalid: ";

    private final BasaltNode node;

    UpdateTableHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    /** What the request asks, validated on its own. */
    private record Request(String tableName, Throughput throughput, String billingMode, Boolean deletionProtection,
            TableClass tableClass, Map<String, String> definitions, IndexUpdates indexes) {
        boolean capacityChange() {
            return throughput != null || billingMode != null;
        }

        boolean indexChange() {
            return indexes != null && !indexes.isEmpty();
        }

        boolean createsOrDeletes() {
            return indexChange() && indexes.createsAndDeletes() > 0;
        }

        BillingMode modeAfter(TableMetadata table) {
            return billingMode == null ? table.billingMode() : BillingMode.valueOf(billingMode);
        }
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        Request parsed = parse(request);
        String region = context.region();
        while (true) {
            try {
                return apply(parsed, context, region);
            } catch (TableChangedException changed) {
                // Another change came between our read and our change: check the request against the table as it
                // is now, as the node's lock used to make us do (DynamoDB answers the new state's refusals).
            }
        }
    }

    /**
     * Checks the request against the table as read now and submits the change computed from it, which the node
     * applies only if the table is still that version.
     */
    private CompletableFuture<ResponseBody> apply(Request parsed, RequestContext context, String region) {
        TableMetadata before = node.describeTable(parsed.tableName());
        TableMetadata updated;
        IndexDefinition created = null;
        if (parsed.createsOrDeletes()) {
            // Everything is checked against the table first, so a refused request changes nothing.
            checkChangeable(before);
            created = parsed.indexes().checkCreateAndDelete(before, parsed.definitions(), parsed.modeAfter(before),
                    region);
            change(parsed, before, region);
            if (created != null) {
                updated = node.updateTable(parsed.tableName(), TableChange.AddGlobalIndex.of(before, created,
                        IndexUpdates.attributeDefinitionsWith(before, created), node.now()));
            } else {
                IndexUpdates.Action deletion = parsed.indexes().actions().stream()
                        .filter(action -> action.kind() == IndexUpdates.Kind.DELETE).findFirst().orElseThrow();
                updated = node.updateTable(parsed.tableName(),
                        TableChange.StartIndexDrop.of(before, deletion.indexName()));
            }
            if (parsed.capacityChange() || parsed.indexes().updatedNames().size() > 0) {
                updated = replaceRetrying(parsed, region);
            }
        } else {
            updated = node.updateTable(parsed.tableName(),
                    new TableChange.Replace(before, change(parsed, before, region)));
        }
        Instant now = node.now();
        TableStatus status = parsed.capacityChange() || parsed.createsOrDeletes() || parsed.tableClass() != null
                ? TableStatus.UPDATING : before.status(now);
        ProvisionedThroughput shown = shownWhileUpdating(before.throughput(), updated.throughput());
        var statistics = node.statistics(updated);
        List<IndexDescriptions.View> indexes = views(before, updated, created, now);
        TableMetadata described = updated;
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeFieldName("TableDescription");
            TableDescriptions.write(out, described, statistics, status, shown, indexes, context,
                    TableDescriptions.Variant.UPDATED);
            out.writeEndObject();
        });
    }

    /** The request's changes after an index Create or Delete, on the table as it is then. */
    private TableMetadata replaceRetrying(Request parsed, String region) {
        while (true) {
            TableMetadata current = node.describeTable(parsed.tableName());
            try {
                return node.updateTable(parsed.tableName(),
                        new TableChange.Replace(current, change(parsed, current, region)));
            } catch (TableChangedException changed) {
                // Read it again.
            }
        }
    }

    /** The request's own checks, in DynamoDB's order, before the table is looked up. */
    private static Request parse(JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.UPDATE_TABLE);
        String tableName = TableNames.forTables(request.getString("TableName"), errors);
        Throughput throughput = Throughput.parse(request, errors);
        String billingMode = request.getString("BillingMode");
        errors.checkEnum(billingMode, "billingMode", BILLING_MODES);
        Map<String, String> definitions = SchemaRequests.attributeDefinitions(request, false, errors);
        IndexUpdates indexes = IndexUpdates.parse(request, errors);
        errors.throwIfAny();

        ItemRequests.rejectUnsupported(request, "StreamSpecification", "SSESpecification", "ReplicaUpdates",
                "OnDemandThroughput", "WarmThroughput", "MultiRegionConsistency");
        Boolean deletionProtection = request.getBoolean("DeletionProtectionEnabled");
        String tableClassName = request.getString("TableClass");
        boolean capacityChange = request.has("ProvisionedThroughput") || billingMode != null;
        // An empty GlobalSecondaryIndexUpdates counts as absent here, and is refused below when something else
        // made the request valid.
        boolean indexChange = indexes != null && !indexes.isEmpty();
        if (!capacityChange && !indexChange && deletionProtection == null && tableClassName == null) {
            throw BasaltException.validation("At least one of ProvisionedThroughput, BillingMode, "
                    + "UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
                    + "MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
                    + "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required");
        }
        if (indexes != null && indexes.isEmpty()) {
            throw BasaltException.validation(INVALID + "List of GlobalSecondaryIndexUpdates is empty");
        }
        if (indexChange) {
            indexes.checkEntries();
        }
        if (deletionProtection != null && (capacityChange || indexChange || tableClassName != null)) {
            throw BasaltException.validation(INVALID + "DeletionProtection modification must be the only operation "
                    + "in the request");
        }
        if (tableClassName != null && (capacityChange || indexChange)) {
            throw BasaltException.validation(INVALID + "TableClass modification must be the only operation in the "
                    + "request");
        }
        if (indexChange && indexes.createsAndDeletes() > 0 && request.has("ProvisionedThroughput")) {
            throw BasaltException.validation(INVALID + "You cannot create or delete index while updating table IOPS");
        }
        IndexUpdates.Action creation = indexChange ? indexes.creation() : null;
        if (creation != null && definitions == null) {
            throw BasaltException.validation(INVALID + "AttributeDefinitions is not specified for index: "
                    + creation.indexName());
        }
        TableClass tableClass = CreateTableHandler.tableClass(tableClassName);
        return new Request(tableName, throughput, billingMode, deletionProtection, tableClass, definitions,
                indexChange ? indexes : null);
    }

    /** The table after the request's changes other than an index Create or Delete; throws when one is refused. */
    private TableMetadata change(Request request, TableMetadata current, String region) {
        checkChangeable(current);
        Instant now = node.now();
        Instant readyAt = now.plus(node.config().tableUpdateDelay());
        if (request.deletionProtection() != null) {
            return current.updated(current.billingMode(), current.throughput(), current.lastUpdateToPayPerRequest(),
                    request.deletionProtection(), current.tableClass(), current.readyAt());
        }
        if (request.tableClass() != null) {
            return current.updated(current.billingMode(), current.throughput(), current.lastUpdateToPayPerRequest(),
                    current.deletionProtection(), request.tableClass(), readyAt);
        }
        TableMetadata result = current;
        BillingMode modeAfter = request.modeAfter(current);
        if (request.capacityChange()) {
            checkNoIndexBeingDeleted(current);
            result = capacityChanged(current, request.billingMode(), request.throughput(), region, now, readyAt);
            result = indexesFollowBillingMode(current, result, request);
        }
        if (request.indexChange()) {
            result = request.indexes().applyUpdates(result, modeAfter, region, now, readyAt);
        }
        return result;
    }

    private void checkChangeable(TableMetadata table) {
        TableStatus status = table.status(node.now());
        if (status == TableStatus.CREATING) {
            throw BasaltException.resourceInUse("Attempt to change a resource which is still in use: Table is being "
                    + "created: " + table.name());
        }
        if (status == TableStatus.UPDATING) {
            throw BasaltException.resourceInUse("Attempt to change a resource which is still in use: Table is being "
                    + "updated: " + table.name());
        }
    }

    /** DynamoDB refuses table capacity changes while a global index is being dropped. */
    private static void checkNoIndexBeingDeleted(TableMetadata table) {
        List<String> deleting = new ArrayList<>();
        for (IndexMetadata index : table.globalIndexes()) {
            if (index.phase() == IndexPhase.DELETING) {
                deleting.add(index.name());
            }
        }
        if (!deleting.isEmpty()) {
            throw BasaltException.resourceInUse("Attempt to change a resource which is still in use: Can't change "
                    + "table IOPS when an index is being deleted. Table: " + table.name() + " Indexes: " + deleting);
        }
    }

    /**
     * Global indexes follow a billing switch: to on-demand they lose their units; to provisioned every one needs
     * an Update with units in the same request (DynamoDB assigns none).
     */
    private static TableMetadata indexesFollowBillingMode(TableMetadata before, TableMetadata after,
            Request request) {
        if (before.billingMode() == after.billingMode()) {
            return after;
        }
        TableMetadata result = after;
        for (IndexMetadata index : before.globalIndexes()) {
            if (index.phase() == IndexPhase.DELETING || index.phase() == IndexPhase.BACKFILLING) {
                continue;
            }
            if (after.billingMode() == BillingMode.PROVISIONED) {
                boolean updated = request.indexChange() && request.indexes().updatedNames().contains(index.name());
                if (!updated) {
                    throw BasaltException.validation(INVALID + "ProvisionedThroughput must be specified for index: "
                            + index.name());
                }
            } else {
                result = result.withIndex(index.name(),
                        current -> current.withThroughputOnly(ProvisionedThroughput.NONE));
            }
        }
        return result;
    }

    private static TableMetadata capacityChanged(TableMetadata current, String billingMode, Throughput throughput,
            String region, Instant now, Instant readyAt) {
        BillingMode mode = billingMode == null ? current.billingMode() : BillingMode.valueOf(billingMode);
        if (mode == BillingMode.PAY_PER_REQUEST) {
            if (throughput != null) {
                throw BasaltException.validation(INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                        + "specified when BillingMode is PAY_PER_REQUEST");
            }
            if (current.billingMode() == BillingMode.PAY_PER_REQUEST) {
                return current;
            }
            return current.updated(mode, ProvisionedThroughput.NONE, now, current.deletionProtection(),
                    current.tableClass(), readyAt);
        }
        if (throughput == null) {
            throw BasaltException.validation(INVALID + "ProvisionedThroughput must be specified when BillingMode is "
                    + "PROVISIONED");
        }
        ProvisionedThroughput old = current.throughput();
        if (current.billingMode() == BillingMode.PROVISIONED
                && old.readCapacityUnits() == throughput.readCapacityUnits()
                && old.writeCapacityUnits() == throughput.writeCapacityUnits()) {
            throw BasaltException.validation("The provisioned throughput for the table will not change. The "
                    + "requested value equals the current value. Current ReadCapacityUnits provisioned for the "
                    + "table: " + old.readCapacityUnits() + ". Requested ReadCapacityUnits: "
                    + throughput.readCapacityUnits() + ". Current WriteCapacityUnits provisioned for the table: "
                    + old.writeCapacityUnits() + ". Requested WriteCapacityUnits: " + throughput.writeCapacityUnits()
                    + ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher "
                    + "limits.");
        }
        throughput.checkLimits(region);
        ProvisionedThroughput next = current.billingMode() == BillingMode.PAY_PER_REQUEST
                ? ProvisionedThroughput.of(throughput.readCapacityUnits(), throughput.writeCapacityUnits())
                : old.changedTo(throughput.readCapacityUnits(), throughput.writeCapacityUnits(), now);
        return current.updated(mode, next, current.lastUpdateToPayPerRequest(), current.deletionProtection(),
                current.tableClass(), readyAt);
    }

    /** The units in force until an update completes, with the new change timestamps (DynamoDB's response). */
    private static ProvisionedThroughput shownWhileUpdating(ProvisionedThroughput before,
            ProvisionedThroughput after) {
        return new ProvisionedThroughput(before.readCapacityUnits(), before.writeCapacityUnits(), after.lastIncrease(),
                after.lastDecrease(), before.decreasesToday());
    }

    /**
     * The indexes as the response shows them: a new one CREATING and not yet backfilling, one whose units change
     * UPDATING with its old units, the others as they stand.
     */
    private List<IndexDescriptions.View> views(TableMetadata before, TableMetadata updated, IndexDefinition created,
            Instant now) {
        List<IndexDescriptions.View> views = new ArrayList<>();
        for (IndexDescriptions.View view : IndexDescriptions.current(node, updated, now)) {
            IndexMetadata index = view.index();
            IndexMetadata old = before.index(index.name()).orElse(null);
            if (created != null && index.name().equals(created.name())) {
                views.add(new IndexDescriptions.View(index, TableStatus.CREATING, index.throughput(), Boolean.FALSE,
                        view.statistics()));
            } else if (old != null && index.global() && !old.throughput().equals(index.throughput())) {
                views.add(new IndexDescriptions.View(index, TableStatus.UPDATING,
                        shownWhileUpdating(old.throughput(), index.throughput()), view.backfilling(),
                        view.statistics()));
            } else {
                views.add(view);
            }
        }
        return views;
    }
}
