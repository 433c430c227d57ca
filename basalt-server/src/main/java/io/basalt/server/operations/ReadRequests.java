package io.basalt.server.operations;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.cluster.TableMetadata;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.eval.Projector;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeySchema;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import io.basalt.model.ValueLayer;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.ReadResult;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.StoredItemJson;
import io.basalt.server.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What Query and Scan share: Select and projection rules, legacy filters, the starting key, the response. */
final class ReadRequests {
    static final List<String> SELECT = List.of("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES",
            "ALL_PROJECTED_ATTRIBUTES");
    static final String BAD_START_KEY = "The provided starting key is invalid";

    private ReadRequests() {
    }

    /** The parameters Query and Scan both take, after their constraint checks. */
    record Common(String tableName, String indexName, String select, Long limit) {
    }

    /**
     * Reads and checks TableName, IndexName, Select, AttributesToGet and Limit into {@code errors}.
     *
     * @param newerLimitWording Query reports a bad Limit in the newer framework's form ({@code Value at 'Limit'});
     *     Scan, in most regions, still in the older one ({@code Value '0' at 'limit'})
     */
    static Common common(JsonObject request, ValidationErrors errors, boolean newerLimitWording) {
        String tableName = TableNames.forItems(request.getString("TableName"), errors);
        String indexName = request.getString("IndexName");
        if (indexName != null) {
            errors.checkName(indexName, "indexName");
        }
        String select = request.getString("Select");
        errors.checkEnum(select, "select", SELECT);
        checkAttributesToGet(request, errors);
        Long limit = request.getInteger("Limit");
        if (limit != null && limit < 1) {
            if (newerLimitWording) {
                errors.addWithoutValue("Limit", "Member must have value greater than or equal to 1");
            } else {
                errors.add(limit, "limit", "Member must have value greater than or equal to 1");
            }
        }
        return new Common(tableName, indexName, select, limit);
    }

    /** The legacy AttributesToGet as a projection of top-level attributes; null when absent. */
    static ProjectionExpression attributesToGet(JsonObject request) {
        List<Object> names = request.getList("AttributesToGet");
        if (names == null) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        List<DocumentPath> paths = new ArrayList<>(names.size());
        for (Object name : names) {
            if (!(name instanceof String attribute)) {
                throw JsonObject.serialization("Unexpected value type in payload");
            }
            if (!seen.add(attribute)) {
                throw BasaltException.validation("One or more parameter values were invalid: Duplicate value in "
                        + "attribute name: " + attribute);
            }
            paths.add(DocumentPath.of(attribute));
        }
        return new ProjectionExpression(paths);
    }

    /** Checks AttributesToGet's length constraint into {@code errors}. */
    static void checkAttributesToGet(JsonObject request, ValidationErrors errors) {
        List<Object> names = request.getList("AttributesToGet");
        if (names != null && names.isEmpty()) {
            errors.add("[]", "attributesToGet", "Member must have length greater than or equal to 1");
        }
    }

    /**
     * Select's rules against the projection parameters (Developer Guide, Query "Select"). Query reports them in
     * the constraint envelope, Scan bare; both say "Querying".
     */
    static void checkSelect(String select, JsonObject request, boolean enveloped) {
        String prefix = enveloped ? "1 validation error detected: " : "";
        boolean projection = request.has("ProjectionExpression");
        boolean attributes = request.has("AttributesToGet");
        if ("SPECIFIC_ATTRIBUTES".equals(select) && !projection && !attributes) {
            throw BasaltException.validation(prefix + "Must specify the AttributesToGet or ProjectionExpression when "
                    + "choosing to get SPECIFIC_ATTRIBUTES");
        }
        if (select != null && !select.equals("SPECIFIC_ATTRIBUTES") && (projection || attributes)) {
            String what = switch (select) {
                case "COUNT" -> "only the Count";
                default -> select;
            };
            throw BasaltException.validation(prefix + "Cannot specify the "
                    + (projection ? "ProjectionExpression" : "AttributesToGet") + " when choosing to get " + what);
        }
        if ("ALL_PROJECTED_ATTRIBUTES".equals(select) && !request.has("IndexName")) {
            throw BasaltException.validation(prefix + "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using "
                    + "an IndexName");
        }
    }

    /** A legacy QueryFilter or ScanFilter as a condition; null when absent. */
    static Condition legacyFilter(JsonObject request, String parameter, ValueLayer layer) {
        JsonObject filter = request.getStructure(parameter, "FilterConditionMap");
        if (filter == null) {
            return null;
        }
        boolean or = "OR".equals(request.getString("ConditionalOperator"));
        Condition result = null;
        for (String attribute : filter.names()) {
            JsonObject entry = filter.getStructure(attribute, "Condition");
            if (entry == null) {
                continue;
            }
            Condition condition = legacyCondition(attribute, entry.getString("ComparisonOperator"),
                    values(entry, layer));
            result = result == null ? condition : or ? new Condition.Or(result, condition)
                    : new Condition.And(result, condition);
        }
        return result;
    }

    /**
     * One legacy KeyConditions, QueryFilter or ScanFilter entry. Unlike Expected (whose missing value list gets
     * "Value or AttributeValueList must be used with ComparisonOperator"), these conditions report any wrong
     * number of arguments, none included, as "Invalid number of argument(s)" (query-reference §1.2 step 3).
     */
    static Condition legacyCondition(String attribute, String operator, List<AttributeValue> values) {
        int expected = operator == null ? -2 : switch (operator) {
            case "NULL", "NOT_NULL" -> 0;
            case "BETWEEN" -> 2;
            case "IN" -> -1;
            default -> 1;
        };
        if (expected >= 0 ? values.size() != expected : expected == -1 && values.isEmpty()) {
            throw BasaltException.validation("One or more parameter values were invalid: Invalid number of "
                    + "argument(s) for the " + operator + " ComparisonOperator");
        }
        return LegacyExpected.comparison(DocumentPath.of(attribute), operator, values);
    }

    /**
     * The constraints on a legacy condition map (KeyConditions, QueryFilter, ScanFilter): every entry names a
     * ComparisonOperator of DynamoDB's enum. {@code path} is the member as messages print it ("queryFilter").
     */
    static void checkLegacyConditions(JsonObject request, String parameter, String path, ValidationErrors errors) {
        JsonObject conditions = request.getStructure(parameter, "FilterConditionMap");
        if (conditions == null) {
            return;
        }
        for (String attribute : conditions.names()) {
            JsonObject entry = conditions.getStructure(attribute, "Condition");
            String operatorPath = path + "." + attribute + ".member.comparisonOperator";
            String operator = entry == null ? null : entry.getString("ComparisonOperator");
            errors.requireNonNull(operator, operatorPath);
            errors.checkEnum(operator, operatorPath, LegacyExpected.OPERATORS);
        }
    }

    /** The AttributeValueList of a legacy condition. */
    static List<AttributeValue> values(JsonObject condition, ValueLayer layer) {
        List<Object> list = condition.getList("AttributeValueList");
        List<AttributeValue> values = new ArrayList<>();
        if (list != null) {
            for (Object element : list) {
                values.add(AttributeValueJson.read(element, layer));
            }
        }
        return values;
    }

    /**
     * The ExclusiveStartKey's values, well-formed; null when absent. Query (current layer) reports a malformed
     * value bare, as it does anywhere else in the request; Scan (older layer) prefixes it with "The provided
     * starting key is invalid: " (conformance captures of October 2026, docs/design/error-texts.md; dynalite).
     */
    static Item exclusiveStartKey(JsonObject request, ValueLayer layer) {
        JsonObject json = request.getAttributeMap("ExclusiveStartKey");
        if (json == null) {
            return null;
        }
        if (layer == ValueLayer.CURRENT) {
            return AttributeValueJson.readItem(json, layer);
        }
        try {
            return AttributeValueJson.readItem(json, layer);
        } catch (BasaltException e) {
            throw BasaltException.validation(BAD_START_KEY + ": " + e.getMessage());
        }
    }

    /** The starting key as a primary key of {@code schema}. */
    static PrimaryKey startKey(Item start, TableMetadata table, String mismatchSuffix) {
        KeySchema schema = table.keySchema();
        if (start.size() != schema.size() || !start.attributes().keySet().stream().allMatch(schema::isKeyAttribute)) {
            throw BasaltException.validation(BAD_START_KEY + mismatchSuffix);
        }
        try {
            return ItemKeys.fromKey(start, table);
        } catch (BasaltException e) {
            throw BasaltException.validation(BAD_START_KEY + ": " + e.getMessage());
        }
    }

    /** Key attributes are scalars: a filter or projection may name them but not look inside them. */
    static void checkKeyPaths(List<DocumentPath> paths, KeySchema schema) {
        for (DocumentPath path : paths) {
            if (path.size() > 1 && path.first() instanceof PathElement.Name name
                    && schema.isKeyAttribute(name.name())) {
                throw BasaltException.validation("Key attributes must be scalars; list random access '[]' and map "
                        + "lookup '.' are not allowed: Key: " + name.name());
            }
        }
    }

    /** Every document path a condition reads. */
    static List<DocumentPath> paths(Condition condition) {
        List<DocumentPath> paths = new ArrayList<>();
        collect(condition, paths);
        return paths;
    }

    private static void collect(Condition condition, List<DocumentPath> paths) {
        if (condition instanceof Condition.Comparison c) {
            collect(c.left(), paths);
            collect(c.right(), paths);
        } else if (condition instanceof Condition.Between c) {
            collect(c.value(), paths);
            collect(c.low(), paths);
            collect(c.high(), paths);
        } else if (condition instanceof Condition.In c) {
            collect(c.value(), paths);
            c.candidates().forEach(candidate -> collect(candidate, paths));
        } else if (condition instanceof Condition.And c) {
            collect(c.left(), paths);
            collect(c.right(), paths);
        } else if (condition instanceof Condition.Or c) {
            collect(c.left(), paths);
            collect(c.right(), paths);
        } else if (condition instanceof Condition.Not c) {
            collect(c.condition(), paths);
        } else if (condition instanceof Condition.AttributeExists c) {
            paths.add(c.path());
        } else if (condition instanceof Condition.AttributeNotExists c) {
            paths.add(c.path());
        } else if (condition instanceof Condition.AttributeTypeIs c) {
            collect(c.value(), paths);
        } else if (condition instanceof Condition.BeginsWith c) {
            collect(c.value(), paths);
            collect(c.prefix(), paths);
        } else if (condition instanceof Condition.Contains c) {
            collect(c.value(), paths);
            collect(c.operand(), paths);
        }
    }

    private static void collect(Operand operand, List<DocumentPath> paths) {
        if (operand instanceof Operand.Path p) {
            paths.add(p.path());
        } else if (operand instanceof Operand.Size s) {
            paths.add(s.path());
        }
    }

    /**
     * Read capacity of a page: the sizes of the items read, summed and rounded up to 4 KB once (not per item), at
     * least one unit, halved for eventually consistent reads.
     */
    static double pageUnits(long bytesRead, boolean consistent) {
        double units = Math.max(1, (bytesRead + Limits.READ_UNIT_BYTES - 1) / Limits.READ_UNIT_BYTES);
        return consistent ? units : units / 2;
    }

    /** Writes an item read from a table or index: {@code projected} when there was a projection, else whole. */
    static void writeItem(JsonGenerator out, StoredItem item, Item projected) throws IOException {
        if (projected != null) {
            AttributeValueJson.writeItem(out, projected.attributes());
        } else {
            StoredItemJson.write(out, item);
        }
    }

    /**
     * The page's Limit as the partition takes it: none given reads until the page is full. Limit has no upper bound
     * in the API; a value beyond an int is cut to its low 32 bits as before, and one that becomes zero or negative
     * that way stops after one item, as the page reader always did with it.
     */
    static int pageLimit(Long limit) {
        return limit == null ? Integer.MAX_VALUE : Math.max(1, limit.intValue());
    }

    /**
     * Writes Items (unless only the count was asked for), Count, ScannedCount, LastEvaluatedKey (the key
     * attributes of the target: for an index its own and the table's) and capacity: the bytes read from the table
     * or index, plus for a local index read the table items it fetched.
     */
    static void writePage(JsonGenerator out, ReadResult page, ProjectionExpression projection, boolean countOnly,
            ReadTarget target, Capacity.Mode capacity, boolean consistent) throws IOException {
        out.writeStartObject();
        out.writeNumberField("Count", page.items().size());
        if (!countOnly) {
            out.writeArrayFieldStart("Items");
            for (StoredItem item : page.items()) {
                writeItem(out, item, projection == null ? null : Projector.project(projection, item.item()));
            }
            out.writeEndArray();
        }
        if (page.lastEvaluatedKey() != null) {
            // The partition gives the key attributes in DynamoDB's order: the table's key, then the index's.
            out.writeFieldName("LastEvaluatedKey");
            out.writeStartObject();
            for (Map.Entry<String, AttributeValue> attribute : page.lastEvaluatedKey().attributes().entrySet()) {
                out.writeFieldName(attribute.getKey());
                AttributeValueJson.write(out, attribute.getValue());
            }
            out.writeEndObject();
        }
        out.writeNumberField("ScannedCount", page.scannedCount());
        double readUnits = pageUnits(page.scannedBytes(), consistent);
        if (target.index() == null) {
            Capacity.writeRead(out, capacity, target.table().name(), readUnits, null, false, 0);
        } else {
            double fetchUnits = page.fetchedBytes() == 0 ? 0 : pageUnits(page.fetchedBytes(), consistent);
            Capacity.writeRead(out, capacity, target.table().name(), fetchUnits, target.index().name(),
                    target.index().global(), readUnits);
        }
        out.writeEndObject();
    }
}
