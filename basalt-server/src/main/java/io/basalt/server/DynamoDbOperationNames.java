package io.basalt.server;

import java.util.Set;

/**
 * Every operation of DynamoDB's {@code DynamoDB_20120810} API, whether Basalt answers it or not: the 57 operations of
 * botocore's service model ({@code botocore/data/dynamodb/2012-08-10/service-2.json}, botocore 1.43.11). Lets the
 * server tell a DynamoDB operation it does not answer yet from a name DynamoDB itself does not know.
 */
final class DynamoDbOperationNames {
    static final Set<String> ALL = Set.of(
            "BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "CreateBackup", "CreateGlobalTable",
            "CreateTable", "DeleteBackup", "DeleteItem", "DeleteResourcePolicy", "DeleteTable", "DescribeBackup",
            "DescribeContinuousBackups", "DescribeContributorInsights", "DescribeEndpoints", "DescribeExport",
            "DescribeGlobalTable", "DescribeGlobalTableSettings", "DescribeImport",
            "DescribeKinesisStreamingDestination", "DescribeLimits", "DescribeTable",
            "DescribeTableReplicaAutoScaling", "DescribeTimeToLive", "DisableKinesisStreamingDestination",
            "EnableKinesisStreamingDestination", "ExecuteStatement", "ExecuteTransaction", "ExportTableToPointInTime",
            "GetItem", "GetResourcePolicy", "ImportTable", "ListBackups", "ListContributorInsights", "ListExports",
            "ListGlobalTables", "ListImports", "ListTables", "ListTagsOfResource", "PutItem", "PutResourcePolicy",
            "Query", "RestoreTableFromBackup", "RestoreTableToPointInTime", "Scan", "TagResource", "TransactGetItems",
            "TransactWriteItems", "UntagResource", "UpdateContinuousBackups", "UpdateContributorInsights",
            "UpdateGlobalTable", "UpdateGlobalTableSettings", "UpdateItem", "UpdateKinesisStreamingDestination",
            "UpdateTable", "UpdateTableReplicaAutoScaling", "UpdateTimeToLive");

    private DynamoDbOperationNames() {
    }
}
