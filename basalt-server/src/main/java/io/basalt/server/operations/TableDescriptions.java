package io.basalt.server.operations;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.cluster.BillingMode;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatistics;
import io.basalt.cluster.TableStatus;
import io.basalt.model.KeyAttribute;
import io.basalt.server.RequestContext;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes a {@code TableDescription} as DynamoDB does: members in alphabetical order, times as epoch seconds with
 * millisecond fraction, and only the members DynamoDB includes for the table's configuration (no
 * BillingModeSummary for a table that was never on-demand, no TableClassSummary unless a class was chosen).
 */
final class TableDescriptions {
    /** The on-demand warm throughput DynamoDB reports for a new table. */
    private static final long ON_DEMAND_WARM_READS = 12_000;
    private static final long ON_DEMAND_WARM_WRITES = 4_000;

    private TableDescriptions() {
    }

    /** How a description differs between the responses that carry one. */
    enum Variant {
        /** DescribeTable: everything, including WarmThroughput. */
        FULL,
        /**
         * UpdateTable: no WarmThroughput (docs/design/index-control-plane.md), but the on-demand switch time, which
         * DynamoDB's UpdateTable responses carry (ack-api-quirks DDB-TABLE-177, live 2026; an AWS workshop's
         * update-table output with a GSI added to a table that once was on demand).
         */
        UPDATED,
        /** CreateTable: no WarmThroughput, no on-demand switch time yet. */
        CREATED
    }

    /**
     * @param throughput the provisioned throughput to report (UpdateTable reports the old units while UPDATING)
     */
    static void write(JsonGenerator out, TableMetadata table, TableStatistics statistics, TableStatus status,
            ProvisionedThroughput throughput, List<IndexDescriptions.View> indexes, RequestContext context,
            Variant variant) throws IOException {
        out.writeStartObject();
        out.writeArrayFieldStart("AttributeDefinitions");
        for (KeyAttribute definition : table.attributeDefinitions()) {
            out.writeStartObject();
            out.writeStringField("AttributeName", definition.name());
            out.writeStringField("AttributeType", definition.type().descriptor());
            out.writeEndObject();
        }
        out.writeEndArray();
        if (table.billingMode() == BillingMode.PAY_PER_REQUEST || table.lastUpdateToPayPerRequest() != null) {
            out.writeObjectFieldStart("BillingModeSummary");
            out.writeStringField("BillingMode", table.billingMode().name());
            if (variant != Variant.CREATED && table.lastUpdateToPayPerRequest() != null) {
                writeTime(out, "LastUpdateToPayPerRequestDateTime", table.lastUpdateToPayPerRequest());
            }
            out.writeEndObject();
        }
        writeTime(out, "CreationDateTime", table.creationTime());
        out.writeBooleanField("DeletionProtectionEnabled", table.deletionProtection());
        IndexDescriptions.writeGlobal(out, table, indexes, context, variant == Variant.FULL);
        out.writeNumberField("ItemCount", statistics.itemCount());
        out.writeArrayFieldStart("KeySchema");
        writeKeyElement(out, table.keySchema().partitionKey(), "HASH");
        if (table.keySchema().sortKey().isPresent()) {
            writeKeyElement(out, table.keySchema().sortKey().get(), "RANGE");
        }
        out.writeEndArray();
        IndexDescriptions.writeLocal(out, table, indexes, context);
        writeThroughput(out, throughput);
        writeIdentityAndSize(out, table, statistics, context, status);
        if (variant == Variant.FULL) {
            writeWarmThroughput(out, table, table.throughput());
        }
        out.writeEndObject();
    }

    /**
     * The reduced description DeleteTable answers with. DynamoDB leaves out the schema (KeySchema,
     * AttributeDefinitions), the indexes, CreationDateTime and WarmThroughput, and keeps the identity, status,
     * throughput, billing and size members: scylladb test/alternator/test_table.py test_delete_table_description and
     * test_delete_table_description_with_si (run against DynamoDB; an on-demand table's BillingModeSummary carries
     * LastUpdateToPayPerRequestDateTime there), and real delete-table captures (dynalite issue #60; AWS CLI outputs
     * with TableId, TableClassSummary and DeletionProtectionEnabled). Sources in docs/design/wire-reference.md §3.3.
     */
    static void writeDeleted(JsonGenerator out, TableMetadata table, TableStatistics statistics,
            RequestContext context) throws IOException {
        out.writeStartObject();
        if (table.billingMode() == BillingMode.PAY_PER_REQUEST || table.lastUpdateToPayPerRequest() != null) {
            out.writeObjectFieldStart("BillingModeSummary");
            out.writeStringField("BillingMode", table.billingMode().name());
            // A table created on demand never switched: DynamoDB reports its creation as the switch.
            writeTime(out, "LastUpdateToPayPerRequestDateTime", table.lastUpdateToPayPerRequest() != null
                    ? table.lastUpdateToPayPerRequest() : table.creationTime());
            out.writeEndObject();
        }
        out.writeBooleanField("DeletionProtectionEnabled", table.deletionProtection());
        out.writeNumberField("ItemCount", statistics.itemCount());
        writeThroughput(out, table.throughput());
        writeIdentityAndSize(out, table, statistics, context, TableStatus.DELETING);
        out.writeEndObject();
    }

    /** The members from TableArn to TableStatus, in DynamoDB's (alphabetical) order, as both descriptions end. */
    private static void writeIdentityAndSize(JsonGenerator out, TableMetadata table, TableStatistics statistics,
            RequestContext context, TableStatus status) throws IOException {
        out.writeStringField("TableArn", context.tableArn(table.name()));
        if (table.tableClass() != null) {
            out.writeObjectFieldStart("TableClassSummary");
            out.writeStringField("TableClass", table.tableClass().name());
            out.writeEndObject();
        }
        out.writeStringField("TableId", table.tableId());
        out.writeStringField("TableName", table.name());
        out.writeNumberField("TableSizeBytes", statistics.sizeBytes());
        out.writeStringField("TableStatus", status.name());
    }

    /**
     * A {@code WarmThroughput} description, the table's or a global index's: DynamoDB's on-demand defaults, or the
     * provisioned units.
     */
    static void writeWarmThroughput(JsonGenerator out, TableMetadata table, ProvisionedThroughput throughput)
            throws IOException {
        boolean onDemand = table.billingMode() == BillingMode.PAY_PER_REQUEST;
        out.writeObjectFieldStart("WarmThroughput");
        out.writeNumberField("ReadUnitsPerSecond", onDemand ? ON_DEMAND_WARM_READS : throughput.readCapacityUnits());
        out.writeStringField("Status", "ACTIVE");
        out.writeNumberField("WriteUnitsPerSecond", onDemand ? ON_DEMAND_WARM_WRITES : throughput.writeCapacityUnits());
        out.writeEndObject();
    }

    /** A {@code ProvisionedThroughput} description, the table's or a global index's. */
    static void writeThroughput(JsonGenerator out, ProvisionedThroughput throughput) throws IOException {
        out.writeObjectFieldStart("ProvisionedThroughput");
        if (throughput.lastDecrease() != null) {
            writeTime(out, "LastDecreaseDateTime", throughput.lastDecrease());
        }
        if (throughput.lastIncrease() != null) {
            writeTime(out, "LastIncreaseDateTime", throughput.lastIncrease());
        }
        out.writeNumberField("NumberOfDecreasesToday", throughput.decreasesToday());
        out.writeNumberField("ReadCapacityUnits", throughput.readCapacityUnits());
        out.writeNumberField("WriteCapacityUnits", throughput.writeCapacityUnits());
        out.writeEndObject();
    }

    static void writeKeyElement(JsonGenerator out, KeyAttribute attribute, String keyType)
            throws IOException {
        out.writeStartObject();
        out.writeStringField("AttributeName", attribute.name());
        out.writeStringField("KeyType", keyType);
        out.writeEndObject();
    }

    /** Epoch seconds with millisecond precision, written as DynamoDB does ({@code 1.562054355238E9}). */
    static void writeTime(JsonGenerator out, String field, Instant time) throws IOException {
        out.writeNumberField(field, time.toEpochMilli() / 1000.0);
    }
}
