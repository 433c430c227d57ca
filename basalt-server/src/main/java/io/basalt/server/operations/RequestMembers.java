package io.basalt.server.operations;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The members of an operation's request, ranked in the order DynamoDB lists their constraint violations.
 *
 * <p>DynamoDB's validator visits the members in the iteration order of a {@code java.util.HashMap} holding all
 * of the request structure's members by name (lower camel case), filled in the order of the service model. That
 * order explains every aggregated message captured from DynamoDB: UpdateItem's {@code returnConsumedCapacity;
 * tableName; returnValues; key} and {@code conditionalOperator; key}, BatchWriteItem's {@code
 * returnConsumedCapacity; returnItemCollectionMetrics}, BatchGetItem's {@code requestItems; returnConsumedCapacity}
 * (one bucket, so model order) and CreateTable's {@code globalSecondaryIndexes; localSecondaryIndexes}
 * (paritysuite/dynamodb-conformance, validation-ordering, October 2026; docs/design/error-texts.md §5). The member
 * lists are the service model's (botocore data/dynamodb/2012-08-10/service-2.json).
 */
enum RequestMembers {
    PUT_ITEM("TableName", "Item", "Expected", "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics",
            "ConditionalOperator", "ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
            "ReturnValuesOnConditionCheckFailure"),
    UPDATE_ITEM("TableName", "Key", "AttributeUpdates", "Expected", "ConditionalOperator", "ReturnValues",
            "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "UpdateExpression", "ConditionExpression",
            "ExpressionAttributeNames", "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure"),
    DELETE_ITEM("TableName", "Key", "Expected", "ConditionalOperator", "ReturnValues", "ReturnConsumedCapacity",
            "ReturnItemCollectionMetrics", "ConditionExpression", "ExpressionAttributeNames",
            "ExpressionAttributeValues", "ReturnValuesOnConditionCheckFailure"),
    GET_ITEM("TableName", "Key", "AttributesToGet", "ConsistentRead", "ReturnConsumedCapacity", "ProjectionExpression",
            "ExpressionAttributeNames"),
    QUERY("TableName", "IndexName", "Select", "AttributesToGet", "Limit", "ConsistentRead", "KeyConditions",
            "QueryFilter", "ConditionalOperator", "ScanIndexForward", "ExclusiveStartKey", "ReturnConsumedCapacity",
            "ProjectionExpression", "FilterExpression", "KeyConditionExpression", "ExpressionAttributeNames",
            "ExpressionAttributeValues"),
    SCAN("TableName", "IndexName", "AttributesToGet", "Limit", "Select", "ScanFilter", "ConditionalOperator",
            "ExclusiveStartKey", "ReturnConsumedCapacity", "TotalSegments", "Segment", "ProjectionExpression",
            "FilterExpression", "ExpressionAttributeNames", "ExpressionAttributeValues", "ConsistentRead"),
    BATCH_GET_ITEM("RequestItems", "ReturnConsumedCapacity"),
    BATCH_WRITE_ITEM("RequestItems", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics"),
    TRANSACT_WRITE_ITEMS("TransactItems", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics",
            "ClientRequestToken"),
    TRANSACT_GET_ITEMS("TransactItems", "ReturnConsumedCapacity"),
    UPDATE_TABLE("AttributeDefinitions", "TableName", "BillingMode", "ProvisionedThroughput",
            "GlobalSecondaryIndexUpdates", "StreamSpecification", "SSESpecification", "ReplicaUpdates", "TableClass",
            "DeletionProtectionEnabled", "MultiRegionConsistency", "GlobalTableWitnessUpdates", "OnDemandThroughput",
            "WarmThroughput", "GlobalTableSettingsReplicationMode"),
    LIST_TABLES("ExclusiveStartTableName", "Limit"),
    CREATE_TABLE("AttributeDefinitions", "TableName", "KeySchema", "LocalSecondaryIndexes", "GlobalSecondaryIndexes",
            "BillingMode", "ProvisionedThroughput", "StreamSpecification", "SSESpecification", "Tags", "TableClass",
            "DeletionProtectionEnabled", "WarmThroughput", "ResourcePolicy", "OnDemandThroughput",
            "GlobalTableSourceArn", "GlobalTableSettingsReplicationMode");

    /** java.util.HashMap's defaults: 16 buckets, doubled whenever the map is more than three quarters full. */
    private static final int DEFAULT_BUCKETS = 16;

    private final Map<String, Integer> ranks = new HashMap<>();

    RequestMembers(String... members) {
        int buckets = DEFAULT_BUCKETS;
        while (members.length > buckets * 3 / 4) {
            buckets *= 2;
        }
        long[] keys = new long[members.length];
        for (int i = 0; i < members.length; i++) {
            // Bucket first, then the order the members were put in (a bucket keeps insertion order).
            keys[i] = ((long) bucket(lowerCamel(members[i]), buckets) << 32) | i;
        }
        long[] sorted = keys.clone();
        Arrays.sort(sorted);
        for (int rank = 0; rank < sorted.length; rank++) {
            ranks.put(lowerCamel(members[(int) sorted[rank]]), rank);
        }
    }

    /** The rank of the member a violation's path starts with; members not in the model come last. */
    int rank(String path) {
        int end = path.indexOf('.');
        Integer rank = ranks.get(lowerCamel(end < 0 ? path : path.substring(0, end)));
        return rank == null ? Integer.MAX_VALUE : rank;
    }

    /** HashMap's bucket for a key: the hash with its high half folded into the low bits. */
    private static int bucket(String key, int buckets) {
        int hash = key.hashCode();
        return (hash ^ (hash >>> 16)) & (buckets - 1);
    }

    private static String lowerCamel(String name) {
        return name.isEmpty() || Character.isLowerCase(name.charAt(0)) ? name
                : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
