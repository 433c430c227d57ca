package io.basalt.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.GlobalIndexPropagation;
import io.basalt.cluster.IndexLag;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.NodeAddress;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Basalt's own HTTP endpoints, under {@code /_basalt/} (DynamoDB's API has no paths, so they cannot collide):
 *
 * <ul>
 *   <li>{@code GET /_basalt/indexes}: every global secondary index with its status and replication lag (the
 *       changes not yet applied to it and the age of the oldest), and how indexes follow writes;
 *   <li>{@code POST /_basalt/index-propagation} with {@code {"Mode": "ASYNCHRONOUS" | "SYNCHRONOUS",
 *       "DelayMillis": n}}: makes global indexes follow writes synchronously (no lag) or with a deliberate delay,
 *       so applications can test both;
 *   <li>{@code GET /_basalt/metrics}: the same lag figures in the Prometheus text format;
 *   <li>{@code POST /_basalt/transaction-faults} with {@code {"CommitDelayMillis": n}}: holds every transaction's
 *       items for that long between its prepare and its commit decision, so applications can race their own
 *       writes, reads and transactions against one in flight and see DynamoDB's conflicts; a new value (0 turns
 *       it off) lets the transactions held by the previous one commit at once;
 *   <li>{@code GET /_basalt/transaction-faults}: the delay in force and how many transactions it holds now
 *       (prepared, their prepare records durable, not yet decided);
 *   <li>{@code GET /_basalt/cluster/node}: a cluster node's cluster id, node id, host and API, RPC and Ratis ports —
 *       how {@code basalt serve --join HOST:PORT} finds a seed's RPC endpoint from the API endpoint a user knows
 *       (docs/design/cluster.md §13.1) — the groups it hosts members of and leads, and the metadata group's
 *       voters; 404 on a single node.
 * </ul>
 */
final class AdminEndpoints {
    static final String PREFIX = "/_basalt/";
    private static final JsonFactory JSON = new JsonFactory();

    private final BasaltNode node;

    /** A response: status code, media type and body. */
    record Response(int status, String contentType, String body) {
    }

    AdminEndpoints(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    static boolean matches(String uri) {
        return uri.startsWith(PREFIX);
    }

    Response handle(String method, String uri, String body) {
        String path = uri.indexOf('?') < 0 ? uri : uri.substring(0, uri.indexOf('?'));
        try {
            return switch (method + " " + path) {
                case "GET /_basalt/indexes" -> new Response(200, "application/json", indexes());
                case "GET /_basalt/metrics" -> new Response(200, "text/plain; version=0.0.4", metrics());
                case "POST /_basalt/index-propagation" -> setPropagation(body);
                case "POST /_basalt/transaction-faults" -> setTransactionFaults(body);
                case "GET /_basalt/transaction-faults" -> transactionFaults();
                case "GET /_basalt/cluster/node" -> clusterNode();
                default -> error(404, "No such endpoint: " + method + " " + path);
            };
        } catch (IOException | IllegalArgumentException e) {
            return error(400, String.valueOf(e.getMessage()));
        }
    }

    private Response clusterNode() throws IOException {
        if (node.clusterPartitions().isEmpty() || !(node.clusterPartitions().get() instanceof ClusterNode cluster)) {
            return error(404, "Not a cluster node");
        }
        NodeAddress self = cluster.identity().self();
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            out.writeStringField("ClusterId", Long.toHexString(cluster.identity().clusterId()));
            out.writeNumberField("NodeId", self.nodeId());
            out.writeStringField("Host", self.host());
            out.writeNumberField("ApiPort", self.apiPort());
            out.writeNumberField("RpcPort", self.rpcPort());
            out.writeNumberField("RaftPort", self.raftPort());
            // The Raft transport it runs on, the cluster's: a node joining through this one takes it (basalt serve
            // --join). The running one, not node.json's: a node.json from before s21 records none.
            out.writeStringField("RaftTransport", cluster.raftTransport().flagValue());
            // The groups this node hosts a member of (Ratis divisions; the metadata group is 0), and those it leads.
            out.writeArrayFieldStart("Groups");
            for (long group : cluster.raft().groupIds()) {
                out.writeNumber(group);
            }
            out.writeEndArray();
            out.writeArrayFieldStart("LeaderOf");
            for (long group : cluster.ledGroups()) {
                out.writeNumber(group);
            }
            out.writeEndArray();
            // The metadata group's voters as this node's registry records them (the other nodes are listeners).
            out.writeArrayFieldStart("MetadataVoters");
            for (int voter : cluster.members(0)) {
                out.writeNumber(voter);
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        return new Response(200, "application/json", text.toString());
    }

    /** An error response: {@code {"message": ...}}, properly escaped. */
    static Response error(int status, String message) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            out.writeStringField("message", message);
            out.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Response(status, "application/json", text.toString());
    }

    private record IndexReport(TableMetadata table, IndexMetadata index, IndexLag lag) {
    }

    private List<IndexReport> reports() {
        List<IndexReport> reports = new ArrayList<>();
        for (String name : node.listTableNames(null, Integer.MAX_VALUE)) {
            TableMetadata table = node.tryGetTable(name).orElse(null);
            if (table == null) {
                continue;
            }
            for (IndexMetadata index : table.globalIndexes()) {
                reports.add(new IndexReport(table, index, node.globalIndexLag(table, index)));
            }
        }
        return reports;
    }

    private String indexes() throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            out.writeArrayFieldStart("GlobalSecondaryIndexes");
            for (IndexReport report : reports()) {
                out.writeStartObject();
                out.writeStringField("TableName", report.table().name());
                out.writeStringField("IndexName", report.index().name());
                out.writeStringField("IndexStatus", report.index().status(node.now()).name());
                out.writeBooleanField("Backfilled", report.lag().backfilled());
                out.writeNumberField("PendingChanges", report.lag().pendingChanges());
                out.writeNumberField("LagMillis", report.lag().ageMillis());
                out.writeEndObject();
            }
            out.writeEndArray();
            writePropagation(out, node.globalIndexPropagation());
            out.writeEndObject();
        }
        return text.toString();
    }

    private String metrics() {
        StringBuilder text = new StringBuilder();
        text.append("# HELP basalt_gsi_pending_changes Table writes not yet applied to a global secondary index.\n");
        text.append("# TYPE basalt_gsi_pending_changes gauge\n");
        List<IndexReport> reports = reports();
        for (IndexReport report : reports) {
            text.append("basalt_gsi_pending_changes").append(labels(report)).append(' ')
                    .append(report.lag().pendingChanges()).append('\n');
        }
        text.append("# HELP basalt_gsi_lag_seconds Age of the oldest table write not yet in a global secondary "
                + "index.\n");
        text.append("# TYPE basalt_gsi_lag_seconds gauge\n");
        for (IndexReport report : reports) {
            text.append("basalt_gsi_lag_seconds").append(labels(report)).append(' ')
                    .append(String.format(Locale.ROOT, "%.3f", report.lag().ageMillis() / 1000.0)).append('\n');
        }
        return text.toString();
    }

    private static String labels(IndexReport report) {
        return "{table=\"" + escape(report.table().name()) + "\",index=\"" + escape(report.index().name()) + "\"}";
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Receives one member of a request's JSON object, the parser on its value. */
    private interface Member {
        void read(String name, JsonParser value) throws IOException;
    }

    /** Parses {@code body} as one JSON object, handing each member to {@code member}. */
    private static void readObject(String body, Member member) throws IOException {
        try (JsonParser in = JSON.createParser(body)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("Expected a JSON object");
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                in.nextToken();
                member.read(name, in);
            }
        }
    }

    private static long wholeNumber(String name, JsonParser value) throws IOException {
        if (value.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
        return value.getLongValue();
    }

    private Response setPropagation(String body) throws IOException {
        String[] mode = {null};
        long[] delay = {0};
        readObject(body, (name, value) -> {
            switch (name) {
                case "Mode" -> mode[0] = value.getValueAsString();
                case "DelayMillis" -> delay[0] = wholeNumber(name, value);
                default -> throw new IllegalArgumentException("Unknown member: " + name);
            }
        });
        long delayMillis = delay[0];
        if (delayMillis < 0) {
            throw new IllegalArgumentException("DelayMillis must not be negative");
        }
        GlobalIndexPropagation propagation;
        if ("SYNCHRONOUS".equals(mode[0])) {
            if (delayMillis != 0) {
                throw new IllegalArgumentException("DelayMillis applies to ASYNCHRONOUS propagation only");
            }
            propagation = GlobalIndexPropagation.SYNCHRONOUS;
        } else if ("ASYNCHRONOUS".equals(mode[0])) {
            propagation = GlobalIndexPropagation.delayed(Duration.ofMillis(delayMillis));
        } else {
            throw new IllegalArgumentException("Mode must be ASYNCHRONOUS or SYNCHRONOUS");
        }
        node.setGlobalIndexPropagation(propagation);
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            writePropagation(out, propagation);
            out.writeEndObject();
        }
        return new Response(200, "application/json", text.toString());
    }

    private Response setTransactionFaults(String body) throws IOException {
        long[] delay = {-1};
        readObject(body, (name, value) -> {
            if (!name.equals("CommitDelayMillis")) {
                throw new IllegalArgumentException("Unknown member: " + name);
            }
            delay[0] = wholeNumber(name, value);
        });
        if (delay[0] < 0 || delay[0] > Duration.ofHours(1).toMillis()) {
            throw new IllegalArgumentException("CommitDelayMillis must be a whole number from 0 to 3600000");
        }
        node.setTransactionCommitDelay(Duration.ofMillis(delay[0]));
        return new Response(200, "application/json", "{\"CommitDelayMillis\":" + delay[0] + "}");
    }

    private Response transactionFaults() {
        return new Response(200, "application/json", "{\"CommitDelayMillis\":"
                + node.transactionCommitDelay().toMillis() + ",\"HeldTransactions\":" + node.heldTransactions() + "}");
    }

    private static void writePropagation(JsonGenerator out, GlobalIndexPropagation propagation) throws IOException {
        out.writeObjectFieldStart("Propagation");
        out.writeStringField("Mode", propagation.synchronous() ? "SYNCHRONOUS" : "ASYNCHRONOUS");
        out.writeNumberField("DelayMillis", propagation.delay().toMillis());
        out.writeEndObject();
    }
}
