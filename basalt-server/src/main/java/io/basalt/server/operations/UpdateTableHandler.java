package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.BillingMode;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableClass;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatus;
import io.basalt.model.BasaltException;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * UpdateTable: billing mode, provisioned throughput, deletion protection and table class. Throughput and billing
 * changes put the table in UPDATING for the configured time; the response shows the old units with the new
 * change timestamps, as DynamoDB's does.
 */
final class UpdateTableHandler implements OperationHandler {
    private static final List<String> BILLING_MODES = List.of("PROVISIONED", "PAY_PER_REQUEST");

    private final BasaltNode node;

    UpdateTableHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors();
        String tableName = TableNames.forTables(request.getString("TableName"), errors);
        Throughput throughput = Throughput.parse(request, errors);
        String billingMode = request.getString("BillingMode");
        errors.checkEnum(billingMode, "billingMode", BILLING_MODES);
        errors.throwIfAny();

        ItemRequests.rejectUnsupported(request, "GlobalSecondaryIndexUpdates", "StreamSpecification",
                "SSESpecification", "ReplicaUpdates", "OnDemandThroughput", "WarmThroughput",
                "MultiRegionConsistency");
        Boolean deletionProtection = request.getBoolean("DeletionProtectionEnabled");
        String tableClassName = request.getString("TableClass");
        boolean capacityChange = request.has("ProvisionedThroughput") || billingMode != null;
        if (!capacityChange && deletionProtection == null && tableClassName == null) {
            throw BasaltException.validation("At least one of ProvisionedThroughput, BillingMode, "
                    + "UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
                    + "MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
                    + "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required");
        }
        if (deletionProtection != null && (capacityChange || tableClassName != null)) {
            throw BasaltException.validation("One or more parameter values were invalid: DeletionProtection "
                    + "modification must be the only operation in the request");
        }
        if (tableClassName != null && capacityChange) {
            throw BasaltException.validation("One or more parameter values were invalid: TableClass modification "
                    + "must be the only operation in the request");
        }
        TableClass tableClass = CreateTableHandler.tableClass(tableClassName);

        TableMetadata[] before = new TableMetadata[1];
        TableMetadata updated = node.updateTable(tableName, current -> {
            before[0] = current;
            checkChangeable(current);
            Instant now = node.now();
            Instant readyAt = now.plus(node.config().tableUpdateDelay());
            if (deletionProtection != null) {
                return current.updated(current.billingMode(), current.throughput(),
                        current.lastUpdateToPayPerRequest(), deletionProtection, current.tableClass(),
                        current.readyAt());
            }
            if (tableClass != null) {
                return current.updated(current.billingMode(), current.throughput(),
                        current.lastUpdateToPayPerRequest(), current.deletionProtection(), tableClass, readyAt);
            }
            return capacityChanged(current, billingMode, throughput, context.region(), now, readyAt);
        });
        TableStatus status = deletionProtection != null ? before[0].status(node.now()) : TableStatus.UPDATING;
        // The response shows the units in force until the update completes, with the new change timestamps.
        ProvisionedThroughput shown = new ProvisionedThroughput(before[0].throughput().readCapacityUnits(),
                before[0].throughput().writeCapacityUnits(), updated.throughput().lastIncrease(),
                updated.throughput().lastDecrease(), before[0].throughput().decreasesToday());
        var statistics = node.statistics(updated);
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            out.writeFieldName("TableDescription");
            TableDescriptions.write(out, updated, statistics, status, shown, context,
                    TableDescriptions.Variant.CREATED);
            out.writeEndObject();
        });
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

    private static TableMetadata capacityChanged(TableMetadata current, String billingMode, Throughput throughput,
            String region, Instant now, Instant readyAt) {
        BillingMode mode = billingMode == null ? current.billingMode() : BillingMode.valueOf(billingMode);
        if (mode == BillingMode.PAY_PER_REQUEST) {
            if (throughput != null) {
                throw BasaltException.validation("One or more parameter values were invalid: Neither "
                        + "ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                        + "PAY_PER_REQUEST");
            }
            if (current.billingMode() == BillingMode.PAY_PER_REQUEST) {
                return current;
            }
            return current.updated(mode, ProvisionedThroughput.NONE, now, current.deletionProtection(),
                    current.tableClass(), readyAt);
        }
        if (throughput == null) {
            throw BasaltException.validation("One or more parameter values were invalid: ProvisionedThroughput must "
                    + "be specified when BillingMode is PROVISIONED");
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
}
