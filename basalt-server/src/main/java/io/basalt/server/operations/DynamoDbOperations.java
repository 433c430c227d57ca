package io.basalt.server.operations;

import io.basalt.cluster.BasaltNode;
import io.basalt.server.OperationHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every DynamoDB operation Basalt answers, by operation name. */
public final class DynamoDbOperations {
    private DynamoDbOperations() {
    }

    public static Map<String, OperationHandler> create(BasaltNode node) {
        Map<String, OperationHandler> handlers = new LinkedHashMap<>();
        handlers.put("CreateTable", new CreateTableHandler(node));
        handlers.put("DescribeTable", new DescribeTableHandler(node));
        handlers.put("UpdateTable", new UpdateTableHandler(node));
        handlers.put("DeleteTable", new DeleteTableHandler(node));
        handlers.put("ListTables", new ListTablesHandler(node));
        handlers.put("TagResource", new TagResourceHandler(node));
        handlers.put("UntagResource", new UntagResourceHandler(node));
        handlers.put("ListTagsOfResource", new ListTagsOfResourceHandler(node));
        handlers.put("DescribeLimits", new DescribeLimitsHandler());
        handlers.put("DescribeEndpoints", new DescribeEndpointsHandler());
        handlers.put("DescribeTimeToLive", new DescribeTimeToLiveHandler(node));
        handlers.put("DescribeContinuousBackups", new DescribeContinuousBackupsHandler(node));
        handlers.put("PutItem", new PutItemHandler(node));
        handlers.put("GetItem", new GetItemHandler(node));
        handlers.put("DeleteItem", new DeleteItemHandler(node));
        handlers.put("UpdateItem", new UpdateItemHandler(node));
        handlers.put("Query", new QueryHandler(node));
        handlers.put("Scan", new ScanHandler(node));
        handlers.put("BatchGetItem", new BatchGetItemHandler(node));
        handlers.put("BatchWriteItem", new BatchWriteItemHandler(node));
        handlers.put("TransactWriteItems", new TransactWriteItemsHandler(node));
        handlers.put("TransactGetItems", new TransactGetItemsHandler(node));
        return handlers;
    }
}
