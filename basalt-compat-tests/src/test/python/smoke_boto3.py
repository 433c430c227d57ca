#!/usr/bin/env python3
"""Cross-client smoke test: boto3 (client and resource APIs) against a DynamoDB-compatible endpoint.

Usage: smoke_boto3.py ENDPOINT          e.g. smoke_boto3.py http://127.0.0.1:8000

Every check asserts what Amazon DynamoDB itself does (see docs/design/wire-reference.md), so the script can be
pointed at real DynamoDB or DynamoDB Local as well as at Basalt. Tables get a unique suffix and are deleted at the
end. Exits 0 only when no check failed; the last line is always "boto3 smoke: N passed, M failed".

A check listed in KNOWN_ISSUES still runs; if it fails it is printed as a known issue and does not count as a
failure (if it passes it counts as passed and is flagged, so the entry can be removed).
"""

import datetime
import re
import sys
import time
import traceback
import uuid
import zlib
from decimal import Decimal

import boto3
import botocore
from boto3.dynamodb.types import Binary
from botocore.config import Config
from botocore.exceptions import ClientError

# Check name -> short description of the server incompatibility it exposes. Keep empty when all is well.
KNOWN_ISSUES = {}

REGION = "us-east-1"
RUN = uuid.uuid4().hex[:8]
ORDERS = "smoke-orders-" + RUN          # PAY_PER_REQUEST, pk (S) + sk (S)
COUNTERS = "smoke-counters-" + RUN      # PROVISIONED 5/5, hash key id (N)
BLOBS = "smoke-blobs-" + RUN            # PAY_PER_REQUEST, hash key b (B)
MISSING = "smoke-missing-" + RUN        # never created

passed = 0
failed = 0
known = 0


def check(name):
    """Decorator: run the function now as one named check and record the outcome."""

    def run(fn):
        global passed, failed, known
        try:
            fn()
        except Exception:  # noqa: BLE001 - any exception is a failed check
            if name in KNOWN_ISSUES:
                known += 1
                print("KNOWN ISSUE  %s: %s" % (name, KNOWN_ISSUES[name]))
            else:
                failed += 1
                print("FAIL  %s" % name)
            for line in describe_failure().splitlines():
                print("    " + line)
        else:
            passed += 1
            if name in KNOWN_ISSUES:
                print("ok    %s  (listed as a known issue but passes now: remove it from KNOWN_ISSUES)" % name)
            else:
                print("ok    %s" % name)
        return fn

    return run


def describe_failure():
    """The current exception, short: the lines of this script it passed through, then type and message."""
    kind, value, tb = sys.exc_info()
    here = [frame for frame in traceback.extract_tb(tb) if frame.filename == __file__]
    lines = ["at line %d: %s" % (frame.lineno, (frame.line or "").strip()) for frame in here]
    lines.append("%s: %s" % (kind.__name__, value))
    return "\n".join(lines)


def expect_error(call, code, message, status=400):
    """Calls call(), which must raise ClientError with exactly this error code, message and HTTP status."""
    try:
        result = call()
    except ClientError as e:
        error = e.response.get("Error", {})
        assert error.get("Code") == code, "error code: expected %r, got %r (full error: %r)" % (
            code, error.get("Code"), e.response)
        assert error.get("Message") == message, "message for %s:\n  expected %r\n  actual   %r" % (
            code, message, error.get("Message"))
        actual_status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert actual_status == status, "HTTP status: expected %d, got %d" % (status, actual_status)
        return e
    raise AssertionError("expected %s (%r) but the call succeeded: %r" % (code, message, result))


def strip_metadata(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def main():
    if len(sys.argv) != 2:
        print("usage: smoke_boto3.py ENDPOINT", file=sys.stderr)
        return 2
    endpoint = sys.argv[1]
    print("boto3 %s / botocore %s against %s" % (boto3.__version__, botocore.__version__, endpoint))

    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="y", region_name=REGION)
    # One attempt only, so that every error the server sends is seen as sent (no silent retries).
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="x",
                          aws_secret_access_key="y", config=config)
    dynamodb = session.resource("dynamodb", endpoint_url=endpoint, config=config)
    waiter_config = {"Delay": 1, "MaxAttempts": 60}
    state = {}

    def wait_active(name):
        """The table's description once it is ACTIVE again (after UpdateTable it may be UPDATING for a while)."""
        for _attempt in range(60):
            t = client.describe_table(TableName=name)["Table"]
            if t["TableStatus"] == "ACTIVE":
                return t
            time.sleep(1)
        raise AssertionError("%s still %s after 60 s" % (name, t["TableStatus"]))

    # Every response either client sees: the x-amz-crc32 header must match the body, a request id must be present.
    wire = {"responses": 0, "problems": []}

    def inspect_response(http_response, model, **_kwargs):
        wire["responses"] += 1
        headers = http_response.headers
        crc = headers.get("x-amz-crc32")
        if crc is not None and int(crc) != zlib.crc32(http_response.content) & 0xFFFFFFFF:
            wire["problems"].append("%s: x-amz-crc32 %s does not match the body" % (model.name, crc))
        if not headers.get("x-amzn-RequestId"):
            wire["problems"].append("%s: no x-amzn-RequestId header" % model.name)

    client.meta.events.register("after-call.dynamodb", inspect_response)
    dynamodb.meta.client.meta.events.register("after-call.dynamodb", inspect_response)

    # ---------------------------------------------------------------- tables

    @check("create_table (client, PAY_PER_REQUEST, hash+range) returns a TableDescription")
    def _():
        r = client.create_table(
            TableName=ORDERS,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST")
        d = r["TableDescription"]
        assert d["TableName"] == ORDERS, d
        assert d["TableStatus"] in ("CREATING", "ACTIVE"), d["TableStatus"]
        assert d["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}], d["KeySchema"]
        assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", d
        assert isinstance(d["CreationDateTime"], datetime.datetime), d["CreationDateTime"]

    @check("waiter table_exists (Delay=1) for the new table")
    def _():
        client.get_waiter("table_exists").wait(TableName=ORDERS, WaiterConfig=waiter_config)

    @check("create_table (resource API, PROVISIONED 5/5, numeric hash key) + Table.wait_until_exists")
    def _():
        table = dynamodb.create_table(
            TableName=COUNTERS,
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        assert table.name == COUNTERS
        table.meta.client.get_waiter("table_exists").wait(TableName=COUNTERS, WaiterConfig=waiter_config)
        table.reload()
        assert table.table_status == "ACTIVE", table.table_status
        assert table.key_schema == [{"AttributeName": "id", "KeyType": "HASH"}], table.key_schema
        assert table.provisioned_throughput["ReadCapacityUnits"] == 5, table.provisioned_throughput
        assert table.provisioned_throughput["WriteCapacityUnits"] == 5, table.provisioned_throughput

    @check("create_table with a binary hash key")
    def _():
        client.create_table(TableName=BLOBS,
                            AttributeDefinitions=[{"AttributeName": "b", "AttributeType": "B"}],
                            KeySchema=[{"AttributeName": "b", "KeyType": "HASH"}],
                            BillingMode="PAY_PER_REQUEST")
        client.get_waiter("table_exists").wait(TableName=BLOBS, WaiterConfig=waiter_config)

    @check("describe_table: status, keys, billing, throughput, ARN, id, dates, counts")
    def _():
        t = client.describe_table(TableName=ORDERS)["Table"]
        state["orders_arn"] = t["TableArn"]
        assert t["TableName"] == ORDERS, t
        assert t["TableStatus"] == "ACTIVE", t["TableStatus"]
        assert t["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"},
                                             {"AttributeName": "sk", "AttributeType": "S"}], t["AttributeDefinitions"]
        assert t["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}], t["KeySchema"]
        assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", t["BillingModeSummary"]
        assert t["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0,
                                              "WriteCapacityUnits": 0}, t["ProvisionedThroughput"]
        assert re.fullmatch(r"arn:aws:dynamodb:us-east-1:\d{12}:table/" + re.escape(ORDERS), t["TableArn"]), \
            t["TableArn"]
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", t["TableId"]), \
            t["TableId"]
        assert isinstance(t["CreationDateTime"], datetime.datetime), t["CreationDateTime"]
        age = datetime.datetime.now(datetime.timezone.utc) - t["CreationDateTime"]
        assert abs(age.total_seconds()) < 600, "CreationDateTime %s is not about now" % t["CreationDateTime"]
        assert t["ItemCount"] == 0 and t["TableSizeBytes"] == 0, t
        assert t["DeletionProtectionEnabled"] is False, t
        assert "LocalSecondaryIndexes" not in t and "GlobalSecondaryIndexes" not in t, t
        assert "StreamSpecification" not in t and "SSEDescription" not in t, t

    @check("describe_table of a provisioned table: throughput and no BillingModeSummary")
    def _():
        t = client.describe_table(TableName=COUNTERS)["Table"]
        assert t["ProvisionedThroughput"]["ReadCapacityUnits"] == 5, t["ProvisionedThroughput"]
        assert t["ProvisionedThroughput"]["WriteCapacityUnits"] == 5, t["ProvisionedThroughput"]
        assert t["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0, t["ProvisionedThroughput"]
        assert "BillingModeSummary" not in t, t["BillingModeSummary"]
        assert t["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "N"}], t

    @check("list_tables paginator (PageSize=1) walks every page in ascending order")
    def _():
        pages = list(client.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 1}))
        names = [n for p in pages for n in p["TableNames"]]
        for name in (ORDERS, COUNTERS, BLOBS):
            assert name in names, "%s missing from %r" % (name, names)
        assert names == sorted(names), "not in ascending order: %r" % names
        assert len(names) == len(set(names)), "duplicates across pages: %r" % names
        assert all(len(p["TableNames"]) <= 1 for p in pages), pages
        assert "LastEvaluatedTableName" not in pages[-1], pages[-1]
        first = client.list_tables(Limit=1)
        assert first["LastEvaluatedTableName"] == first["TableNames"][0], first

    @check("list_tables with ExclusiveStartTableName and Limit")
    def _():
        r = client.list_tables(ExclusiveStartTableName=BLOBS, Limit=100)
        assert BLOBS not in r["TableNames"], r
        assert all(n > BLOBS for n in r["TableNames"]), r
        assert COUNTERS in r["TableNames"] and ORDERS in r["TableNames"], r

    @check("resource API: collection dynamodb.tables.all() sees the tables")
    def _():
        names = [t.name for t in dynamodb.tables.all()]
        assert ORDERS in names and COUNTERS in names, names

    @check("describe_limits and describe_endpoints")
    def _():
        limits = strip_metadata(client.describe_limits())
        for key in ("AccountMaxReadCapacityUnits", "AccountMaxWriteCapacityUnits", "TableMaxReadCapacityUnits",
                    "TableMaxWriteCapacityUnits"):
            assert isinstance(limits.get(key), int) and limits[key] > 0, limits
        endpoints = client.describe_endpoints()["Endpoints"]
        assert len(endpoints) == 1, endpoints
        assert endpoints[0]["Address"] and "://" not in endpoints[0]["Address"], endpoints
        assert endpoints[0]["CachePeriodInMinutes"] > 0, endpoints

    # ---------------------------------------------------------------- items through the resource API

    orders = dynamodb.Table(ORDERS)
    doc_item = {"pk": "CUSTOMER#1042", "sk": "ORDER#2026-04-21#A-482", "total": Decimal("129.95"),
                "status": "SHIPPED"}
    doc_key = {"pk": "CUSTOMER#1042", "sk": "ORDER#2026-04-21#A-482"}

    @check("resource put_item / get_item: the documentation example round-trips")
    def _():
        r = orders.put_item(Item=doc_item)
        assert strip_metadata(r) == {}, r
        got = orders.get_item(Key=doc_key)
        assert got["Item"] == doc_item, got
        assert isinstance(got["Item"]["total"], Decimal) and str(got["Item"]["total"]) == "129.95", got

    every_type = {
        "pk": "TYPES", "sk": "every-type",
        "s": "héllo wörld ✓ \U0001F600",
        "empty_s": "",
        "n_int": Decimal("42"),
        "n_neg": Decimal("-17.25"),
        "n_zero": Decimal("0"),
        "n_big": Decimal("12345678901234567890123456789012345678"),
        "n_tiny": Decimal("0.000000000000000000000000000000000001"),
        "n_from_int": 7,
        "b": b"\x00\x01\x02\xfe\xff",
        "empty_b": b"",
        "t": True,
        "f": False,
        "nul": None,
        "l": ["a", Decimal("1"), True, None, b"\x10", ["nested", Decimal("2.5")], {"k": "v"}],
        "empty_l": [],
        "m": {"name": "Ada", "age": Decimal("36"), "tags": {"x", "y"}, "inner": {"deep": [Decimal("3")]},
              "flag": False, "nothing": None},
        "empty_m": {},
        "ss": {"red", "green", "blue"},
        "ns": {Decimal("1"), Decimal("2.5"), Decimal("-3"), Decimal("1E+10")},
        "bs": {b"\x01", b"\x02\x03", b"\xff"},
    }

    def expected_after_round_trip(item):
        """What boto3's TypeDeserializer gives back: ints become Decimal, bytes become Binary (== bytes)."""
        expected = dict(item)
        expected["n_from_int"] = Decimal("7")
        return expected

    @check("resource put/get: str, Decimal, int, bytes, bool, None, list, dict, string/number/binary sets")
    def _():
        orders.put_item(Item=every_type)
        got = orders.get_item(Key={"pk": "TYPES", "sk": "every-type"}, ConsistentRead=True)["Item"]
        expected = expected_after_round_trip(every_type)
        assert set(got) == set(expected), "attribute names differ: extra %r, missing %r" % (
            set(got) - set(expected), set(expected) - set(got))
        for name, want in expected.items():
            assert got[name] == want, "attribute %r: expected %r, got %r" % (name, want, got[name])
        assert isinstance(got["b"], Binary) and got["b"].value == every_type["b"], got["b"]
        assert isinstance(got["t"], bool) and got["t"] is True and got["f"] is False, (got["t"], got["f"])
        assert got["nul"] is None, got["nul"]
        assert isinstance(got["ss"], set) and isinstance(got["ns"], set) and isinstance(got["bs"], set), got
        assert {bytes(v) for v in got["bs"]} == every_type["bs"], got["bs"]
        assert all(isinstance(v, Decimal) for v in got["ns"]), got["ns"]
        assert isinstance(got["l"], list) and isinstance(got["m"], dict), got
        assert got["l"] == every_type["l"], got["l"]

    @check("client get_item: wire-level attribute values (types and number normalisation)")
    def _():
        item = client.get_item(TableName=ORDERS, Key={"pk": {"S": "TYPES"}, "sk": {"S": "every-type"}},
                               ConsistentRead=True)["Item"]
        assert item["s"] == {"S": every_type["s"]}, item["s"]
        assert item["n_int"] == {"N": "42"}, item["n_int"]
        assert item["n_neg"] == {"N": "-17.25"}, item["n_neg"]
        assert item["n_big"] == {"N": "12345678901234567890123456789012345678"}, item["n_big"]
        assert item["b"] == {"B": every_type["b"]}, item["b"]
        assert item["empty_s"] == {"S": ""} and item["empty_b"] == {"B": b""}, (item["empty_s"], item["empty_b"])
        assert item["t"] == {"BOOL": True} and item["nul"] == {"NULL": True}, (item["t"], item["nul"])
        assert item["empty_l"] == {"L": []} and item["empty_m"] == {"M": {}}, (item["empty_l"], item["empty_m"])
        assert sorted(item["ss"]["SS"]) == ["blue", "green", "red"], item["ss"]
        assert sorted(Decimal(n) for n in item["ns"]["NS"]) == sorted(every_type["ns"]), item["ns"]
        assert sorted(item["bs"]["BS"]) == sorted(every_type["bs"]), item["bs"]
        assert item["m"]["M"]["inner"] == {"M": {"deep": {"L": [{"N": "3"}]}}}, item["m"]

    @check("client put_item: DynamoDB normalises numbers (leading/trailing zeros, exponent)")
    def _():
        client.put_item(TableName=ORDERS, Item={
            "pk": {"S": "NUMBERS"}, "sk": {"S": "1"},
            "a": {"N": "0129.950"}, "b": {"N": "1E+3"}, "c": {"N": "-0.0100"}, "d": {"N": "-0"}})
        item = client.get_item(TableName=ORDERS, Key={"pk": {"S": "NUMBERS"}, "sk": {"S": "1"}})["Item"]
        assert item["a"] == {"N": "129.95"}, item["a"]
        assert item["b"] == {"N": "1000"}, item["b"]
        assert item["c"] == {"N": "-0.01"}, item["c"]
        assert item["d"] == {"N": "0"}, item["d"]

    @check("binary hash key: put/get/delete through the resource API")
    def _():
        blobs = dynamodb.Table(BLOBS)
        key = {"b": b"\x00\xffkey"}
        blobs.put_item(Item={"b": b"\x00\xffkey", "v": "x"})
        got = blobs.get_item(Key=key)["Item"]
        assert got == {"b": Binary(b"\x00\xffkey"), "v": "x"}, got
        old = blobs.delete_item(Key=key, ReturnValues="ALL_OLD")["Attributes"]
        assert old == {"b": Binary(b"\x00\xffkey"), "v": "x"}, old
        assert "Item" not in blobs.get_item(Key=key), "item still there after delete"

    @check("numeric hash key: Decimal and int keys address the same item")
    def _():
        counters = dynamodb.Table(COUNTERS)
        counters.put_item(Item={"id": Decimal("1"), "name": "one"})
        assert counters.get_item(Key={"id": 1})["Item"] == {"id": Decimal("1"), "name": "one"}
        assert counters.get_item(Key={"id": Decimal("1.0")})["Item"]["name"] == "one", "1.0 should equal 1"

    @check("get_item of a missing item returns no Item key")
    def _():
        r = orders.get_item(Key={"pk": "CUSTOMER#1042", "sk": "ORDER#does-not-exist"})
        assert "Item" not in r, r
        assert strip_metadata(r) == {}, r

    @check("put_item ReturnValues=ALL_OLD: old item when overwriting, nothing for a new item")
    def _():
        new = orders.put_item(Item={"pk": "RV", "sk": "1", "v": Decimal("1")}, ReturnValues="ALL_OLD")
        assert "Attributes" not in new, new
        old = orders.put_item(Item={"pk": "RV", "sk": "1", "v": Decimal("2"), "extra": {"a"}},
                              ReturnValues="ALL_OLD")
        assert old["Attributes"] == {"pk": "RV", "sk": "1", "v": Decimal("1")}, old
        assert orders.get_item(Key={"pk": "RV", "sk": "1"})["Item"] == {
            "pk": "RV", "sk": "1", "v": Decimal("2"), "extra": {"a"}}, "put must replace the whole item"

    @check("delete_item: ALL_OLD returns the deleted item, item is gone, missing item returns nothing")
    def _():
        old = orders.delete_item(Key={"pk": "RV", "sk": "1"}, ReturnValues="ALL_OLD")
        assert old["Attributes"] == {"pk": "RV", "sk": "1", "v": Decimal("2"), "extra": {"a"}}, old
        assert "Item" not in orders.get_item(Key={"pk": "RV", "sk": "1"}, ConsistentRead=True)
        again = orders.delete_item(Key={"pk": "RV", "sk": "1"}, ReturnValues="ALL_OLD")
        assert "Attributes" not in again, again
        plain = orders.delete_item(Key={"pk": "RV", "sk": "never"})
        assert strip_metadata(plain) == {}, plain

    @check("update_item with only a Key: creates the key-only item; ReturnValues ALL_NEW/ALL_OLD/UPDATED_*")
    def _():
        key = {"pk": "UPD", "sk": "1"}
        created = orders.update_item(Key=key, ReturnValues="ALL_NEW")
        assert created["Attributes"] == key, created
        assert orders.get_item(Key=key, ConsistentRead=True)["Item"] == key
        orders.put_item(Item=dict(key, note="kept", n=Decimal("5")))
        old = orders.update_item(Key=key, ReturnValues="ALL_OLD")
        assert old["Attributes"] == dict(key, note="kept", n=Decimal("5")), old
        new = orders.update_item(Key=key, ReturnValues="ALL_NEW")
        assert new["Attributes"] == dict(key, note="kept", n=Decimal("5")), new
        for rv in ("UPDATED_OLD", "UPDATED_NEW", "NONE"):
            r = orders.update_item(Key=key, ReturnValues=rv)
            assert "Attributes" not in r, "%s touched nothing, expected no Attributes: %r" % (rv, r)
        assert orders.get_item(Key=key)["Item"] == dict(key, note="kept", n=Decimal("5")), "item changed"
        fresh = orders.update_item(Key={"pk": "UPD", "sk": "2"}, ReturnValues="ALL_OLD")
        assert "Attributes" not in fresh, fresh

    @check("ReturnConsumedCapacity=TOTAL on put/get/delete/update")
    def _():
        put = orders.put_item(Item={"pk": "CAP", "sk": "1", "v": "x"}, ReturnConsumedCapacity="TOTAL")
        assert put["ConsumedCapacity"] == {"TableName": ORDERS, "CapacityUnits": 1.0}, put
        eventual = orders.get_item(Key={"pk": "CAP", "sk": "1"}, ReturnConsumedCapacity="TOTAL")
        assert eventual["ConsumedCapacity"] == {"TableName": ORDERS, "CapacityUnits": 0.5}, eventual
        strong = orders.get_item(Key={"pk": "CAP", "sk": "1"}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        assert strong["ConsumedCapacity"] == {"TableName": ORDERS, "CapacityUnits": 1.0}, strong
        missing = orders.get_item(Key={"pk": "CAP", "sk": "none"}, ReturnConsumedCapacity="TOTAL")
        assert "Item" not in missing and missing["ConsumedCapacity"]["CapacityUnits"] == 0.5, missing
        upd = orders.update_item(Key={"pk": "CAP", "sk": "1"}, ReturnConsumedCapacity="TOTAL")
        assert upd["ConsumedCapacity"] == {"TableName": ORDERS, "CapacityUnits": 1.0}, upd
        delete = orders.delete_item(Key={"pk": "CAP", "sk": "1"}, ReturnConsumedCapacity="TOTAL")
        assert delete["ConsumedCapacity"] == {"TableName": ORDERS, "CapacityUnits": 1.0}, delete
        none = orders.put_item(Item={"pk": "CAP", "sk": "2"}, ReturnConsumedCapacity="NONE")
        assert "ConsumedCapacity" not in none, none

    @check("ReturnConsumedCapacity=TOTAL: a 5000-byte item costs 5 WCU to write and 2 RCU to read")
    def _():
        big = {"pk": "CAP", "sk": "big", "blob": "x" * 5000}
        put = orders.put_item(Item=big, ReturnConsumedCapacity="TOTAL")
        assert put["ConsumedCapacity"]["CapacityUnits"] == 5.0, put["ConsumedCapacity"]
        get = orders.get_item(Key={"pk": "CAP", "sk": "big"}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        assert get["ConsumedCapacity"]["CapacityUnits"] == 2.0, get["ConsumedCapacity"]
        assert get["Item"] == big

    @check("describe_table ItemCount/TableSizeBytes are integers >= 0 after writes")
    def _():
        t = client.describe_table(TableName=ORDERS)["Table"]
        assert isinstance(t["ItemCount"], int) and t["ItemCount"] >= 0, t["ItemCount"]
        assert isinstance(t["TableSizeBytes"], int) and t["TableSizeBytes"] >= 0, t["TableSizeBytes"]

    # ---------------------------------------------------------------- errors

    @check("error: describe_table of a missing table -> ResourceNotFoundException")
    def _():
        expect_error(lambda: client.describe_table(TableName=MISSING), "ResourceNotFoundException",
                     "Requested resource not found: Table: %s not found" % MISSING)

    @check("error: resource get_item/put_item/delete_item/update_item on a missing table -> ResourceNotFound")
    def _():
        table = dynamodb.Table(MISSING)
        for call in (lambda: table.get_item(Key={"pk": "a"}),
                     lambda: table.put_item(Item={"pk": "a"}),
                     lambda: table.delete_item(Key={"pk": "a"}),
                     lambda: table.update_item(Key={"pk": "a"})):
            expect_error(call, "ResourceNotFoundException", "Requested resource not found")

    @check("error: create_table of an existing table -> ResourceInUseException")
    def _():
        expect_error(lambda: client.create_table(
            TableName=ORDERS,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST"), "ResourceInUseException", "Table already exists: %s" % ORDERS)

    @check("error: put_item without the range key -> ValidationException")
    def _():
        expect_error(lambda: orders.put_item(Item={"pk": "x", "other": "y"}), "ValidationException",
                     "One or more parameter values were invalid: Missing the key sk in the item")

    @check("error: put_item with a key of the wrong type -> ValidationException")
    def _():
        expect_error(lambda: orders.put_item(Item={"pk": Decimal("1"), "sk": "a"}), "ValidationException",
                     "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")

    @check("error: get_item/delete_item/update_item with a key that does not match the schema")
    def _():
        message = "The provided key element does not match the schema"
        expect_error(lambda: orders.get_item(Key={"pk": "x"}), "ValidationException", message)
        expect_error(lambda: orders.get_item(Key={"pk": "x", "sk": "y", "extra": "z"}), "ValidationException",
                     message)
        expect_error(lambda: orders.delete_item(Key={"pk": "x", "sk": Decimal("1")}), "ValidationException",
                     message)
        expect_error(lambda: orders.update_item(Key={"pk": "x"}), "ValidationException", message)

    @check("error: empty string key value -> ValidationException")
    def _():
        expect_error(lambda: orders.put_item(Item={"pk": "", "sk": "a"}), "ValidationException",
                     "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                     "contain an empty string value. Key: pk")

    @check("error: put_item ReturnValues=ALL_NEW -> ValidationException")
    def _():
        expect_error(lambda: orders.put_item(Item={"pk": "x", "sk": "y"}, ReturnValues="ALL_NEW"),
                     "ValidationException", "1 validation error detected: ReturnValues can only be ALL_OLD or NONE")

    @check("error: invalid number -> ValidationException")
    def _():
        expect_error(lambda: client.put_item(TableName=ORDERS, Item={
            "pk": {"S": "x"}, "sk": {"S": "y"}, "n": {"N": "abc"}}), "ValidationException",
            "1 validation error detected: The parameter cannot be converted to a numeric value: abc")

    @check("error: table name with invalid characters -> ValidationException")
    def _():
        expect_error(lambda: client.describe_table(TableName="bad name!"), "ValidationException",
                     "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy constraint: "
                     "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")

    @check("error: create_table with a too-short name -> ValidationException")
    def _():
        expect_error(lambda: client.create_table(
            TableName="ab",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST"), "ValidationException",
            "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
            "Member must have length greater than or equal to 3")

    @check("error: create_table PROVISIONED without ProvisionedThroughput -> ValidationException")
    def _():
        expect_error(lambda: client.create_table(
            TableName="smoke-nothroughput-" + RUN,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}]), "ValidationException",
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
            "specified when BillingMode is PROVISIONED")

    @check("error: item values DynamoDB rejects (size, key size, digits, empty set, NULL false)")
    def _():
        def put(**attributes):
            item = {"pk": {"S": "BAD"}, "sk": {"S": "1"}}
            item.update(attributes)
            return lambda: client.put_item(TableName=ORDERS, Item=item)

        expect_error(put(big={"S": "x" * 409600}), "ValidationException",
                     "Item size has exceeded the maximum allowed size")
        expect_error(lambda: client.put_item(TableName=ORDERS, Item={"pk": {"S": "x" * 2049}, "sk": {"S": "1"}}),
                     "ValidationException", "One or more parameter values were invalid: Size of hashkey has exceeded "
                     "the maximum size limit of2048 bytes")
        expect_error(put(n={"N": "1234567890123456789012345678901234567891"}), "ValidationException",
                     "1 validation error detected: Attempting to store more than 38 significant digits in a Number")
        expect_error(put(s={"SS": []}), "ValidationException",
                     "1 validation error detected: One or more parameter values were invalid: "
                     "An string set  may not be empty")
        expect_error(put(z={"NULL": False}), "ValidationException",
                     "1 validation error detected: One or more parameter values were invalid: "
                     "Null attribute value types must have the value of true")
        assert "Item" not in client.get_item(TableName=ORDERS, Key={"pk": {"S": "BAD"}, "sk": {"S": "1"}}), \
            "a rejected put must not write"

    @check("error: delete_item ReturnValues=ALL_NEW -> ValidationException")
    def _():
        expect_error(lambda: orders.delete_item(Key={"pk": "x", "sk": "y"}, ReturnValues="ALL_NEW"),
                     "ValidationException", "1 validation error detected: ReturnValues can only be ALL_OLD or NONE")

    @check("a table ARN works as TableName (describe_table, put_item, get_item, describe_time_to_live)")
    def _():
        arn = state["orders_arn"]
        assert client.describe_table(TableName=arn)["Table"]["TableName"] == ORDERS
        client.put_item(TableName=arn, Item={"pk": {"S": "ARN"}, "sk": {"S": "1"}})
        got = client.get_item(TableName=arn, Key={"pk": {"S": "ARN"}, "sk": {"S": "1"}}, ConsistentRead=True)
        assert got["Item"] == {"pk": {"S": "ARN"}, "sk": {"S": "1"}}, got
        assert dynamodb.Table(arn).get_item(Key={"pk": "ARN", "sk": "1"})["Item"] == {"pk": "ARN", "sk": "1"}
        ttl = client.describe_time_to_live(TableName=arn)["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "DISABLED"}, ttl

    @check("error: ClientError exposes the code on the client's exceptions attribute")
    def _():
        try:
            client.describe_table(TableName=MISSING)
        except client.exceptions.ResourceNotFoundException as e:
            assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
            assert e.response["ResponseMetadata"]["RequestId"], e.response["ResponseMetadata"]
        else:
            raise AssertionError("describe_table of a missing table succeeded")

    # ---------------------------------------------------------------- tags, TTL, backups, update_table

    @check("tag_resource / list_tags_of_resource / untag_resource")
    def _():
        arn = state["orders_arn"]
        r = client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"},
                                                       {"Key": "team", "Value": "basalt"}])
        assert strip_metadata(r) == {}, r
        tags = client.list_tags_of_resource(ResourceArn=arn)["Tags"]
        assert {t["Key"]: t["Value"] for t in tags} == {"env": "test", "team": "basalt"}, tags
        client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
        tags = client.list_tags_of_resource(ResourceArn=arn)["Tags"]
        assert {t["Key"]: t["Value"] for t in tags} == {"env": "prod", "team": "basalt"}, tags
        client.untag_resource(ResourceArn=arn, TagKeys=["team", "not-there"])
        tags = client.list_tags_of_resource(ResourceArn=arn)["Tags"]
        assert tags == [{"Key": "env", "Value": "prod"}], tags
        client.untag_resource(ResourceArn=arn, TagKeys=["env"])
        assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == []

    @check("create_table with Tags: tags are listed")
    def _():
        name = "smoke-tagged-" + RUN
        d = client.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                                KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST",
                                Tags=[{"Key": "owner", "Value": "smoke"}])["TableDescription"]
        try:
            client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=waiter_config)
            tags = client.list_tags_of_resource(ResourceArn=d["TableArn"])["Tags"]
            assert tags == [{"Key": "owner", "Value": "smoke"}], tags
        finally:
            client.delete_table(TableName=name)

    @check("error: tags of a missing table -> ResourceNotFoundException")
    def _():
        arn = state["orders_arn"].replace(ORDERS, MISSING)
        expect_error(lambda: client.list_tags_of_resource(ResourceArn=arn), "ResourceNotFoundException",
                     "Requested resource not found: ResourcArn: %s not found" % arn)
        expect_error(lambda: client.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}]),
                     "ResourceNotFoundException", "Requested resource not found: ResourcArn: %s not found" % arn)

    @check("error: tag_resource with no tags -> ValidationException")
    def _():
        expect_error(lambda: client.tag_resource(ResourceArn=state["orders_arn"], Tags=[]), "ValidationException",
                     "Atleast one Tag needs to be provided as Input.")

    @check("error: tag rules (reserved aws: prefix, empty TagKeys, non-ARN resource)")
    def _():
        arn = state["orders_arn"]
        expect_error(lambda: client.tag_resource(ResourceArn=arn, Tags=[{"Key": "aws:owner", "Value": "1"}]),
                     "ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:owner")
        expect_error(lambda: client.untag_resource(ResourceArn=arn, TagKeys=[]), "ValidationException",
                     "Atleast one Tag Key needs to be provided as Input.")
        expect_error(lambda: client.list_tags_of_resource(ResourceArn="abcd"), "ValidationException",
                     "One or more parameter values were invalid: ARNs must start with 'arn:': abcd")

    @check("describe_time_to_live of a fresh table is DISABLED")
    def _():
        r = client.describe_time_to_live(TableName=ORDERS)
        assert r["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}, r

    @check("error: describe_time_to_live of a missing table -> ResourceNotFoundException")
    def _():
        expect_error(lambda: client.describe_time_to_live(TableName=MISSING), "ResourceNotFoundException",
                     "Requested resource not found: Table: %s not found" % MISSING)

    @check("describe_continuous_backups: status present, point-in-time recovery DISABLED")
    def _():
        d = client.describe_continuous_backups(TableName=ORDERS)["ContinuousBackupsDescription"]
        assert d["ContinuousBackupsStatus"] in ("ENABLED", "DISABLED"), d
        assert d["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED", d

    @check("error: describe_continuous_backups of a missing table -> TableNotFoundException")
    def _():
        try:
            client.describe_continuous_backups(TableName=MISSING)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "TableNotFoundException", e.response
            assert MISSING in e.response["Error"]["Message"], e.response
        else:
            raise AssertionError("describe_continuous_backups of a missing table succeeded")

    @check("update_table: provisioned throughput change is visible in describe_table")
    def _():
        r = client.update_table(TableName=COUNTERS,
                                ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 7})
        assert r["TableDescription"]["TableName"] == COUNTERS, r
        t = wait_active(COUNTERS)
        assert t["ProvisionedThroughput"]["ReadCapacityUnits"] == 10, t["ProvisionedThroughput"]
        assert t["ProvisionedThroughput"]["WriteCapacityUnits"] == 7, t["ProvisionedThroughput"]

    @check("update_table: switch PAY_PER_REQUEST -> PROVISIONED keeps a BillingModeSummary")
    def _():
        r = client.update_table(TableName=BLOBS, BillingMode="PROVISIONED",
                                ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
        assert r["TableDescription"]["TableName"] == BLOBS, r
        t = wait_active(BLOBS)
        assert t["BillingModeSummary"]["BillingMode"] == "PROVISIONED", t.get("BillingModeSummary")
        assert t["ProvisionedThroughput"]["ReadCapacityUnits"] == 3, t["ProvisionedThroughput"]
        assert t["ProvisionedThroughput"]["WriteCapacityUnits"] == 4, t["ProvisionedThroughput"]

    @check("error: update_table with nothing to change -> ValidationException")
    def _():
        try:
            client.update_table(TableName=ORDERS)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ValidationException", e.response
            assert e.response["Error"]["Message"].startswith("At least one of ProvisionedThroughput, BillingMode"), \
                e.response["Error"]["Message"]
        else:
            raise AssertionError("update_table with nothing to change succeeded")

    @check("update_table DeletionProtectionEnabled blocks delete_table until disabled")
    def _():
        r = client.update_table(TableName=BLOBS, DeletionProtectionEnabled=True)
        assert r["TableDescription"]["DeletionProtectionEnabled"] is True, r
        expect_error(lambda: client.delete_table(TableName=BLOBS), "ValidationException",
                     "Resource cannot be deleted as it is currently protected against deletion. "
                     "Disable deletion protection first.")
        r = client.update_table(TableName=BLOBS, DeletionProtectionEnabled=False)
        assert r["TableDescription"]["DeletionProtectionEnabled"] is False, r

    # ---------------------------------------------------------------- deletion

    @check("delete_table returns DELETING; waiter table_not_exists; table is gone")
    def _():
        for name in (ORDERS, COUNTERS, BLOBS):
            d = client.delete_table(TableName=name)["TableDescription"]
            assert d["TableName"] == name, d
            assert d["TableStatus"] == "DELETING", d["TableStatus"]
        for name in (ORDERS, COUNTERS, BLOBS):
            client.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig=waiter_config)
        names = [n for p in client.get_paginator("list_tables").paginate() for n in p["TableNames"]]
        assert not {ORDERS, COUNTERS, BLOBS} & set(names), names

    @check("error: delete_table of a missing table -> ResourceNotFoundException")
    def _():
        expect_error(lambda: client.delete_table(TableName=ORDERS), "ResourceNotFoundException",
                     "Requested resource not found: Table: %s not found" % ORDERS)

    @check("every response carried a request id and a matching x-amz-crc32 (when present)")
    def _():
        assert wire["responses"] > 50, "only %d responses inspected" % wire["responses"]
        assert not wire["problems"], "\n".join(wire["problems"][:20])

    # Best-effort cleanup if a check failed half-way.
    for name in (ORDERS, COUNTERS, BLOBS):
        try:
            client.delete_table(TableName=name)
        except (ClientError, botocore.exceptions.BotoCoreError):
            pass

    if known:
        print("(%d known issue(s) reported above, not counted as failures)" % known)
    print("boto3 smoke: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001 - crash outside a check
        traceback.print_exc()
        print("boto3 smoke: %d passed, %d failed (aborted)" % (passed, failed + 1))
        sys.exit(1)
