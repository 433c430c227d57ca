#!/usr/bin/env python3
"""boto3 smoke test of DynamoDB's read and batch operations: Query, Scan (and parallel Scan), BatchGetItem,
BatchWriteItem, through the resource API (Key/Attr conditions, batch_writer) and the client's paginators.

Usage: smoke_reads_boto3.py ENDPOINT          e.g. smoke_reads_boto3.py http://127.0.0.1:8000

Every check asserts what Amazon DynamoDB itself does (docs/design/query-reference.md), so the script also runs
against real DynamoDB. Tables get a unique suffix and are deleted at the end. Exits 0 only when no check failed;
the last line is always "boto3 reads smoke: N passed, M failed".
"""

import sys
import uuid
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.config import Config
from smoke_support import REGION, Checks, connect, delete_tables, expect_error

RUN = uuid.uuid4().hex[:8]
ORDERS = "reads-orders-" + RUN      # pk (S) + sk (S)
SCORES = "reads-scores-" + RUN      # pk (S) + sk (N)

CHECKS = Checks()
check = CHECKS.check


def main():
    if len(sys.argv) != 2:
        print("usage: smoke_reads_boto3.py ENDPOINT", file=sys.stderr)
        return 2
    endpoint = sys.argv[1]
    print("boto3 %s against %s" % (boto3.__version__, endpoint))
    client, dynamodb, config = connect(endpoint)
    created = []

    def create(name, sk_type):
        client.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": sk_type}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
        created.append(name)
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})

    try:
        create(ORDERS, "S")
        create(SCORES, "N")
        orders = dynamodb.Table(ORDERS)
        scores = dynamodb.Table(SCORES)

        @check("batch_writer bulk load (with overwrite_by_pkeys)")
        def _():
            with orders.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
                for customer in range(5):
                    for n in range(30):
                        batch.put_item(Item={"pk": "customer#%d" % customer, "sk": "order#%03d" % n,
                                             "total": Decimal(n) / 4, "status": "open" if n % 3 else "closed"})
                batch.put_item(Item={"pk": "customer#0", "sk": "profile", "name": "Zoë"})
                batch.delete_item(Key={"pk": "customer#4", "sk": "order#029"})
            with scores.batch_writer() as batch:
                for n in ["-10", "-1.5", "0", "2", "10", "100", "1e3"]:
                    batch.put_item(Item={"pk": "s", "sk": Decimal(n)})
            assert scores.query(KeyConditionExpression=Key("pk").eq("s"))["Count"] == 7

        @check("resource query: Key eq & begins_with (the seeds' example)")
        def _():
            response = orders.query(
                KeyConditionExpression=Key("pk").eq("customer#0") & Key("sk").begins_with("order#01"))
            assert [i["sk"] for i in response["Items"]] == ["order#%03d" % n for n in range(10, 20)], response
            assert response["Count"] == 10 and response["ScannedCount"] == 10
            assert "LastEvaluatedKey" not in response

        @check("resource query: between, descending, filter, projection")
        def _():
            response = orders.query(
                KeyConditionExpression=Key("pk").eq("customer#1") & Key("sk").between("order#005", "order#010"),
                ScanIndexForward=False, FilterExpression=Attr("status").eq("closed"),
                ProjectionExpression="sk, #t", ExpressionAttributeNames={"#t": "total"})
            assert response["Items"] == [{"sk": "order#009", "total": Decimal("2.25")},
                                         {"sk": "order#006", "total": Decimal("1.5")}], response
            assert response["ScannedCount"] == 6 and response["Count"] == 2

        @check("resource query: number sort keys in numeric order, lt")
        def _():
            response = scores.query(KeyConditionExpression=Key("pk").eq("s") & Key("sk").lt(100))
            assert [i["sk"] for i in response["Items"]] == [Decimal(x) for x in ["-10", "-1.5", "0", "2", "10"]]
            response = scores.query(KeyConditionExpression=Key("pk").eq("s") & Key("sk").gte(Decimal("1e3")))
            assert response["Items"] == [{"pk": "s", "sk": Decimal("1000")}], response

        @check("resource query: Limit, LastEvaluatedKey and ExclusiveStartKey")
        def _():
            seen = []
            kwargs = {"KeyConditionExpression": Key("pk").eq("customer#2"), "Limit": 10}
            pages = 0
            while True:
                response = orders.query(**kwargs)
                pages += 1
                seen += [i["sk"] for i in response["Items"]]
                if "LastEvaluatedKey" not in response:
                    break
                assert set(response["LastEvaluatedKey"]) == {"pk", "sk"}
                kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
            # 30 items in pages of 10: the third page is full, so a fourth, empty one ends the query.
            assert pages == 4 and seen == ["order#%03d" % n for n in range(30)], (pages, seen)

        @check("resource scan: FilterExpression with Attr, Select COUNT")
        def _():
            response = orders.scan(FilterExpression=Attr("status").eq("closed") & Attr("total").gte(5))
            # closed: order numbers divisible by 3; total >= 5: numbers >= 20 -> 21, 24, 27 for each customer.
            assert response["Count"] == 5 * 3, response["Count"]
            assert all(i["status"] == "closed" for i in response["Items"])
            assert response["ScannedCount"] == 150
            counted = orders.scan(Select="COUNT", FilterExpression=Attr("name").exists())
            assert counted["Count"] == 1 and "Items" not in counted

        @check("client query paginator")
        def _():
            paginator = client.get_paginator("query")
            items = []
            pages = 0
            for page in paginator.paginate(TableName=ORDERS, KeyConditionExpression="pk = :p",
                                           ExpressionAttributeValues={":p": {"S": "customer#3"}},
                                           PaginationConfig={"PageSize": 7}):
                pages += 1
                items += page["Items"]
            assert len(items) == 30 and pages == 5, (len(items), pages)
            built = paginator.paginate(TableName=ORDERS, KeyConditionExpression="pk = :p",
                                       ExpressionAttributeValues={":p": {"S": "customer#3"}},
                                       ScanIndexForward=False, PaginationConfig={"PageSize": 4}).build_full_result()
            assert [i["sk"]["S"] for i in built["Items"]] == ["order#%03d" % n for n in range(29, -1, -1)]

        @check("client scan paginator, including parallel segments")
        def _():
            paginator = client.get_paginator("scan")
            whole = [i for page in paginator.paginate(TableName=ORDERS, PaginationConfig={"PageSize": 13})
                     for i in page["Items"]]
            assert len(whole) == 150, len(whole)
            for total in (1, 3, 8):
                keys = []
                for segment in range(total):
                    for page in paginator.paginate(TableName=ORDERS, Segment=segment, TotalSegments=total,
                                                   PaginationConfig={"PageSize": 9}):
                        keys += [(i["pk"]["S"], i["sk"]["S"]) for i in page["Items"]]
                assert len(keys) == 150 and len(set(keys)) == 150, (total, len(keys), len(set(keys)))

        @check("batch_get_item over two tables with a projection and a missing key")
        def _():
            response = dynamodb.batch_get_item(RequestItems={
                ORDERS: {"Keys": [{"pk": "customer#0", "sk": "profile"}, {"pk": "customer#0", "sk": "nope"}],
                         "ProjectionExpression": "#n", "ExpressionAttributeNames": {"#n": "name"}},
                SCORES: {"Keys": [{"pk": "s", "sk": Decimal(2)}], "ConsistentRead": True}})
            assert response["Responses"][ORDERS] == [{"name": "Zoë"}], response
            assert response["Responses"][SCORES] == [{"pk": "s", "sk": Decimal(2)}], response
            assert response["UnprocessedKeys"] == {}

        @check("batch_write_item response and duplicate keys message")
        def _():
            response = client.batch_write_item(RequestItems={SCORES: [
                {"PutRequest": {"Item": {"pk": {"S": "t"}, "sk": {"N": "1"}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "s"}, "sk": {"N": "-10"}}}}]},
                ReturnConsumedCapacity="TOTAL")
            assert response["UnprocessedItems"] == {}
            assert response["ConsumedCapacity"] == [{"TableName": SCORES, "CapacityUnits": 2.0}], response
            expect_error(lambda: client.batch_write_item(RequestItems={SCORES: [
                {"PutRequest": {"Item": {"pk": {"S": "t"}, "sk": {"N": "1"}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "t"}, "sk": {"N": "1"}}}}]}),
                "ValidationException", "Provided list of item keys contains duplicates")

        @check("query validation messages")
        def _():
            expect_error(lambda: client.query(TableName=ORDERS, KeyConditionExpression="sk = :v",
                                              ExpressionAttributeValues={":v": {"S": "x"}}),
                         "ValidationException", "Query condition missed key schema element: pk")
            # botocore checks Limit >= 1 itself; this client sends it so that the server's answer is seen.
            unchecked = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="x",
                                     aws_secret_access_key="y", config=config.merge(
                                         Config(parameter_validation=False)))
            expect_error(lambda: unchecked.query(TableName=ORDERS, KeyConditionExpression="pk = :p", Limit=0,
                                                 ExpressionAttributeValues={":p": {"S": "x"}}),
                         "ValidationException", "1 validation error detected: Value at 'Limit' failed to "
                         "satisfy constraint: Member must have value greater than or equal to 1")
            expect_error(lambda: orders.scan(Segment=3, TotalSegments=3),
                         "ValidationException", "The Segment parameter is zero-based and must be less than "
                         "parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3")
    finally:
        delete_tables(client, created)

    print("boto3 reads smoke: %d passed, %d failed" % (CHECKS.passed, CHECKS.failed))
    return 0 if CHECKS.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
