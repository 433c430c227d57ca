package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.IndexPhase;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatistics;
import io.basalt.cluster.TableStatus;
import io.basalt.model.KeyAttribute;
import io.basalt.model.Projection;
import io.basalt.server.RequestContext;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code LocalSecondaryIndexes} and {@code GlobalSecondaryIndexes} members of a TableDescription, shaped as
 * DynamoDB's LocalSecondaryIndexDescription and GlobalSecondaryIndexDescription: members in alphabetical order, the
 * index lists in the order the indexes were defined, {@code NonKeyAttributes} sorted by name (as DynamoDB returns
 * them), no throughput or status for local indexes, and {@code Backfilling} only on a global index being added by
 * UpdateTable.
 */
final class IndexDescriptions {
    private IndexDescriptions() {
    }

    /**
     * One index as a response reports it.
     *
     * @param status the IndexStatus (global indexes only)
     * @param throughput the throughput to report (an UpdateTable response shows the old units while UPDATING)
     * @param backfilling null to leave the member out
     */
    record View(IndexMetadata index, TableStatus status, ProvisionedThroughput throughput, Boolean backfilling,
            TableStatistics statistics) {
        View {
            requireNonNull(index, "index is null");
            requireNonNull(status, "status is null");
            requireNonNull(throughput, "throughput is null");
            requireNonNull(statistics, "statistics is null");
        }
    }

    /** The indexes of a table as they stand at {@code now}, with their durable item counts and sizes. */
    static List<View> current(BasaltNode node, TableMetadata table, Instant now) {
        List<View> views = new ArrayList<>(table.indexes().size());
        for (IndexMetadata index : table.indexes()) {
            views.add(new View(index, index.status(now), index.throughput(),
                    index.phase() == IndexPhase.BACKFILLING ? Boolean.TRUE : null, node.indexStatistics(table, index)));
        }
        return views;
    }

    /** The indexes of a table CreateTable just made: CREATING with the table, empty. */
    static List<View> created(TableMetadata table) {
        List<View> views = new ArrayList<>(table.indexes().size());
        for (IndexMetadata index : table.indexes()) {
            views.add(new View(index, table.pendingStatus(), index.throughput(), null, new TableStatistics(0, 0)));
        }
        return views;
    }

    /** {@code GlobalSecondaryIndexes}, when there are any (between DeletionProtectionEnabled and ItemCount). */
    static void writeGlobal(JsonGenerator out, TableMetadata table, List<View> views, RequestContext context,
            boolean withWarmThroughput) throws IOException {
        List<View> globals = views.stream().filter(view -> view.index().global()).toList();
        if (globals.isEmpty()) {
            return;
        }
        out.writeArrayFieldStart("GlobalSecondaryIndexes");
        for (View view : globals) {
            out.writeStartObject();
            if (view.backfilling() != null) {
                out.writeBooleanField("Backfilling", view.backfilling());
            }
            writeCommon(out, table, view, context, true);
            if (withWarmThroughput) {
                TableDescriptions.writeWarmThroughput(out, table, view.index().throughput());
            }
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    /** {@code LocalSecondaryIndexes}, when there are any (between KeySchema and ProvisionedThroughput). */
    static void writeLocal(JsonGenerator out, TableMetadata table, List<View> views, RequestContext context)
            throws IOException {
        List<View> locals = views.stream().filter(view -> !view.index().global()).toList();
        if (locals.isEmpty()) {
            return;
        }
        out.writeArrayFieldStart("LocalSecondaryIndexes");
        for (View view : locals) {
            out.writeStartObject();
            writeCommon(out, table, view, context, false);
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    private static void writeCommon(JsonGenerator out, TableMetadata table, View view, RequestContext context,
            boolean global) throws IOException {
        IndexMetadata index = view.index();
        out.writeStringField("IndexArn", context.tableArn(table.name()) + "/index/" + index.name());
        out.writeStringField("IndexName", index.name());
        out.writeNumberField("IndexSizeBytes", view.statistics().sizeBytes());
        if (global) {
            out.writeStringField("IndexStatus", view.status().name());
        }
        out.writeNumberField("ItemCount", view.statistics().itemCount());
        out.writeArrayFieldStart("KeySchema");
        for (KeyAttribute key : index.index().partitionKeys()) {
            TableDescriptions.writeKeyElement(out, key, "HASH");
        }
        for (KeyAttribute key : index.index().sortKeys()) {
            TableDescriptions.writeKeyElement(out, key, "RANGE");
        }
        out.writeEndArray();
        writeProjection(out, index.index().projection());
        if (global) {
            TableDescriptions.writeThroughput(out, view.throughput());
        }
    }

    private static void writeProjection(JsonGenerator out, Projection projection) throws IOException {
        out.writeObjectFieldStart("Projection");
        if (!projection.nonKeyAttributes().isEmpty()) {
            out.writeArrayFieldStart("NonKeyAttributes");
            for (String attribute : projection.nonKeyAttributes().stream().sorted().toList()) {
                out.writeString(attribute);
            }
            out.writeEndArray();
        }
        out.writeStringField("ProjectionType", projection.type().name());
        out.writeEndObject();
    }
}
