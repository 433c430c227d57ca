package io.basalt.server.operations;

import io.basalt.model.BasaltException;
import io.basalt.model.Limits;

/**
 * The {@code TableName} member as requests carry it: a name of {@code [a-zA-Z0-9_.-]}, or (since 2023) the
 * table's ARN, {@code arn:aws:dynamodb:<region>:<account>:table/<name>}.
 */
final class TableNames {
    private static final String ARN_TABLE = ":table/";

    private TableNames() {
    }

    static boolean matchesPattern(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** The constraint the batch operations report for a RequestItems map with a table name that is not valid. */
    static final String BATCH_MAP_KEYS = "Map keys must satisfy constraint: [Member must have length less than or "
            + "equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular "
            + "expression pattern: [a-zA-Z0-9_.-]+]";

    /**
     * Whether every key of a batch's RequestItems is a valid table name (3 to 255 characters of the name pattern)
     * or an ARN, which is checked when it is resolved.
     */
    static boolean validBatchKeys(Iterable<String> tableNames) {
        for (String table : tableNames) {
            if (!table.startsWith("arn:") && (table.length() < Limits.MIN_TABLE_NAME_LENGTH
                    || table.length() > Limits.MAX_TABLE_NAME_LENGTH || !matchesPattern(table))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The table an item operation names. Since ARNs are accepted, DynamoDB checks only a length of 1 to 1024 here
     * (and the name pattern for plain names); a short name is simply not found.
     */
    static String forItems(String tableName, ValidationErrors errors) {
        return forItems(tableName, "tableName", errors);
    }

    /** Likewise for a table name nested in a request, e.g. {@code transactItems.1.member.put.tableName}. */
    static String forItems(String tableName, String path, ValidationErrors errors) {
        if (tableName == null) {
            errors.requireNonNull(null, path);
            return null;
        }
        if (tableName.isEmpty()) {
            errors.add(tableName, path, "Member must have length greater than or equal to 1");
            return tableName;
        }
        if (tableName.startsWith("arn:")) {
            return fromArn(tableName, path, errors);
        }
        if (tableName.length() > 255) {
            errors.add(tableName, path, "Member must have length less than or equal to 255");
        }
        if (!matchesPattern(tableName)) {
            errors.add(tableName, path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
        return tableName;
    }

    /**
     * The table a table operation names. A missing name is reported on its own, before any other check, as
     * DynamoDB does for table operations.
     */
    static String forTables(String tableName, ValidationErrors errors) {
        if (tableName == null) {
            throw BasaltException.validation("The parameter 'TableName' is required but was not present in the "
                    + "request");
        }
        if (tableName.startsWith("arn:")) {
            return fromArn(tableName, "tableName", errors);
        }
        errors.checkName(tableName, "tableName");
        return tableName;
    }

    /**
     * The table of a request whose only parameter is {@code TableName} (DescribeTable, DeleteTable,
     * DescribeTimeToLive, DescribeContinuousBackups): validated, or a ValidationException.
     */
    static String requireForTables(io.basalt.server.json.JsonObject request) {
        ValidationErrors errors = new ValidationErrors();
        String tableName = forTables(request.getString("TableName"), errors);
        errors.throwIfAny();
        return tableName;
    }

    private static String fromArn(String arn, String path, ValidationErrors errors) {
        if (arn.length() > 1024) {
            errors.add(arn, path, "Member must have length less than or equal to 1024");
            return arn;
        }
        int at = arn.indexOf(ARN_TABLE);
        String name = at < 0 ? "" : arn.substring(at + ARN_TABLE.length());
        if (!arn.startsWith("arn:aws:dynamodb:") || name.length() < 3 || name.length() > 255
                || !matchesPattern(name)) {
            throw BasaltException.validation("Invalid TableName: " + arn);
        }
        return name;
    }
}
