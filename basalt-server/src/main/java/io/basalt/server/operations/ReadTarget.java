package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.IndexPhase;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.ProjectionType;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.ReadSource;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a Query or Scan reads: a table's items, or the entries of one of its secondary indexes (IndexName). Holds
 * the rules that depend on which: the key schema conditions are checked against, the attributes of a starting key
 * and of LastEvaluatedKey (an index's carry its own key and the table's, as DynamoDB's do), what a global index
 * can return, and when a local index read must fetch the table's items (docs/design/index-reads.md).
 */
final class ReadTarget {
    private final TableMetadata table;
    private final IndexMetadata index;

    private ReadTarget(TableMetadata table, IndexMetadata index) {
        this.table = requireNonNull(table, "table is null");
        this.index = index;
    }

    /**
     * The table, or its index {@code indexName}, checked as DynamoDB checks it once the table is found.
     *
     * @param startKeyGiven whether the request has an ExclusiveStartKey: a Scan naming an unknown index with one
     *     is told about the key (dynalite {@code actions/scan.js}, checked against DynamoDB)
     */
    static ReadTarget of(TableMetadata table, String indexName, boolean consistentRead, boolean scan,
            boolean startKeyGiven) {
        if (indexName == null) {
            return new ReadTarget(table, null);
        }
        Optional<IndexMetadata> found = table.index(indexName);
        // An index being dropped is no longer there for reads (unverified: DynamoDB's text for this case).
        if (found.isEmpty() || found.get().phase() == IndexPhase.DELETING) {
            if (scan && startKeyGiven) {
                throw BasaltException.validation(ReadRequests.BAD_START_KEY);
            }
            throw BasaltException.validation("The table does not have the specified index: " + indexName);
        }
        IndexMetadata index = found.get();
        if (!index.readable()) {
            throw BasaltException.validation("Cannot read from backfilling global secondary index: " + indexName);
        }
        if (index.global() && consistentRead) {
            throw BasaltException.validation("Consistent reads are not supported on global secondary indexes");
        }
        return new ReadTarget(table, index);
    }

    TableMetadata table() {
        return table;
    }

    /** The index read, or null for the table. */
    IndexMetadata index() {
        return index;
    }

    /** What is read, as the partition names it. */
    ReadSource source() {
        return index == null ? ReadSource.BASE : ReadSource.index(index.id(), index.global());
    }

    List<KeyAttribute> partitionKeys() {
        return index == null ? List.of(table.keySchema().partitionKey()) : index.index().partitionKeys();
    }

    List<KeyAttribute> sortKeys() {
        if (index == null) {
            return table.keySchema().sortKey().map(List::of).orElse(List.of());
        }
        return index.index().sortKeys();
    }

    /** Whether {@code attribute} is a key attribute of what is read (what a Query's filter may not test). */
    boolean isReadKeyAttribute(String attribute) {
        return index == null ? table.keySchema().isKeyAttribute(attribute) : index.index().isKeyAttribute(attribute);
    }

    /** The attributes of a starting key and of LastEvaluatedKey: the table's key, then the index's. */
    List<KeyAttribute> keyAttributes() {
        Map<String, KeyAttribute> attributes = new LinkedHashMap<>();
        KeySchema schema = table.keySchema();
        attributes.put(schema.partitionKey().name(), schema.partitionKey());
        schema.sortKey().ifPresent(sortKey -> attributes.put(sortKey.name(), sortKey));
        if (index != null) {
            for (KeyAttribute attribute : index.index().keyAttributes()) {
                attributes.putIfAbsent(attribute.name(), attribute);
            }
        }
        return List.copyOf(attributes.values());
    }

    /**
     * Checks that an ExclusiveStartKey has exactly the key attributes of what is read, with their types. Whether it
     * lies within the read is the partition's check ({@code ReadPlanner}).
     *
     * @param tableMismatchSuffix what a table read appends to "The provided starting key is invalid" when the
     *     attributes are not the key's (Query: nothing; Scan: the older wording's suffix); an index read appends
     *     nothing (dynalite, checked against DynamoDB)
     */
    void checkStartKey(Item start, String tableMismatchSuffix) {
        if (index == null) {
            ReadRequests.startKey(start, table, tableMismatchSuffix);
            return;
        }
        List<KeyAttribute> attributes = keyAttributes();
        if (start.size() != attributes.size()) {
            throw BasaltException.validation(ReadRequests.BAD_START_KEY);
        }
        for (KeyAttribute attribute : attributes) {
            if (start.get(attribute.name()) == null) {
                throw BasaltException.validation(ReadRequests.BAD_START_KEY);
            }
        }
        for (KeyAttribute attribute : attributes) {
            if (start.get(attribute.name()).type() != attribute.type()) {
                throw BasaltException.validation(ReadRequests.BAD_START_KEY
                        + ": The provided key element does not match the schema");
            }
        }
        Map<String, AttributeValue> tableKey = new LinkedHashMap<>();
        KeySchema schema = table.keySchema();
        tableKey.put(schema.partitionKey().name(), start.get(schema.partitionKey().name()));
        schema.sortKey().ifPresent(sortKey -> tableKey.put(sortKey.name(), start.get(sortKey.name())));
        ReadRequests.startKey(new Item(tableKey), table, "");
    }

    /**
     * What a global index cannot give: every attribute when it does not hold every attribute, or attributes it does
     * not project (API Query, Select: "Global secondary index queries cannot fetch attributes from the parent
     * table"). Messages from LocalStack's aws_verified tests and a DynamoDB answer quoted in localstack#478.
     */
    void checkGlobalProjection(String select, List<DocumentPath> projection) {
        if (index == null || !index.global() || index.index().projection().type() == ProjectionType.ALL) {
            return;
        }
        if ("ALL_ATTRIBUTES".equals(select)) {
            throw BasaltException.validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES "
                    + "is not supported for global secondary index " + index.name()
                    + " because its projection type is not ALL");
        }
        Set<String> missing = notProjected(projection);
        if (!missing.isEmpty()) {
            throw BasaltException.validation("One or more parameter values were invalid: Global secondary index "
                    + index.name() + " does not project [" + String.join(", ", missing) + "]");
        }
    }

    /**
     * Whether a local index read needs its table's items: Select ALL_ATTRIBUTES, or a projection or filter naming
     * an attribute the index does not hold (API Query, Select: "DynamoDB fetches each of these attributes from the
     * parent table").
     */
    private boolean fetchesFromTable(String select, List<DocumentPath> projection, List<DocumentPath> filter) {
        if (index == null || index.global() || index.index().projection().type() == ProjectionType.ALL) {
            return false;
        }
        return "ALL_ATTRIBUTES".equals(select) || !notProjected(projection).isEmpty()
                || !notProjected(filter).isEmpty();
    }

    /**
     * Which table items a read fetches: none, or (a local index read that needs them) those of the entries the
     * filter keeps, or those of every entry read when the filter itself needs the table's attributes.
     */
    FetchMode fetchMode(String select, List<DocumentPath> projection, List<DocumentPath> filter) {
        if (!fetchesFromTable(select, projection, filter)) {
            return FetchMode.NONE;
        }
        return notProjected(filter).isEmpty() ? FetchMode.FILTERED_ONLY : FetchMode.ALL_READ;
    }

    private Set<String> notProjected(List<DocumentPath> paths) {
        Set<String> missing = new LinkedHashSet<>();
        for (DocumentPath path : paths) {
            if (path.first() instanceof PathElement.Name name
                    && !index.index().projects(name.name(), table.keySchema())) {
                missing.add(name.name());
            }
        }
        return missing;
    }
}
