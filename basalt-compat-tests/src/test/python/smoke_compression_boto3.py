#!/usr/bin/env python3
"""boto3 smoke test of compressed requests and responses.

Usage: smoke_compression_boto3.py ENDPOINT          e.g. smoke_compression_boto3.py http://127.0.0.1:8000

botocore compresses request bodies (gzip) only for operations its service model marks with "requestcompression",
and DynamoDB's model marks none; it never asks for compressed responses. So, as Alternator's
test_compressed_request.py and test_compressed_response.py do against DynamoDB, the script marks every operation
for compression and adds "Accept-Encoding" itself, then checks each response's x-amz-crc32 against the bytes on
the wire before decompressing them. Exits 0 only when no check failed; the last line is always
"boto3 compression smoke: N passed, M failed".
"""

import binascii
import gzip
import sys
import uuid
import zlib

import boto3
from botocore.config import Config
from smoke_support import REGION, Checks, delete_tables

RUN = uuid.uuid4().hex[:8]
TABLE = "compression-" + RUN

CHECKS = Checks()
check = CHECKS.check


class Wire:
    """Records what went over the wire: request codings, response codings, and CRC mismatches."""

    def __init__(self):
        self.request_codings = []
        self.response_codings = []
        self.crc_mismatches = []

    def before_send(self, request, **kwargs):
        coding = request.headers.get("Content-Encoding")
        if isinstance(coding, bytes):
            coding = coding.decode()
        body = request.body if isinstance(request.body, bytes) else b""
        self.request_codings.append((coding, body[:2]))

    def before_parse(self, response_dict, **kwargs):
        raw = response_dict["body"]
        expected = response_dict["headers"].get("x-amz-crc32")
        if expected is not None and binascii.crc32(raw) & 0xFFFFFFFF != int(expected):
            self.crc_mismatches.append(expected)
        coding = response_dict["headers"].get("Content-Encoding")
        self.response_codings.append(coding)
        if coding == "gzip":
            response_dict["body"] = gzip.decompress(raw)
        elif coding == "deflate":
            response_dict["body"] = zlib.decompress(raw)


def compressing_client(endpoint, accept_encoding, wire):
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30,
                    request_min_compression_size_bytes=1)
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="x",
                          aws_secret_access_key="y", config=config)
    operations = client.meta.service_model._service_description["operations"]
    for name in operations:
        operations[name]["requestcompression"] = {"encodings": ["gzip"]}

    def add_accept_encoding(params, **kwargs):
        params["headers"]["Accept-Encoding"] = accept_encoding

    client.meta.events.register("before-call", add_accept_encoding)
    client.meta.events.register("before-send", wire.before_send)
    client.meta.events.register("before-parse", wire.before_parse)
    return client


def main():
    if len(sys.argv) != 2:
        print("usage: smoke_compression_boto3.py ENDPOINT", file=sys.stderr)
        return 2
    endpoint = sys.argv[1]
    print("boto3 %s against %s" % (boto3.__version__, endpoint))
    gzip_wire = Wire()
    client = compressing_client(endpoint, "gzip", gzip_wire)
    created = []
    try:
        @check("create a table through compressed requests")
        def _():
            client.create_table(
                TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
            created.append(TABLE)
            client.get_waiter("table_exists").wait(TableName=TABLE, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
            assert gzip_wire.request_codings, "no request was sent"
            for coding, start in gzip_wire.request_codings:
                assert coding == "gzip" and start == b"\x1f\x8b", (coding, start)

        big = "v" * 20000

        @check("a large item goes in gzip-compressed and comes back gzip-compressed")
        def _():
            client.put_item(TableName=TABLE, Item={"pk": {"S": "big"}, "v": {"S": big}})
            item = client.get_item(TableName=TABLE, Key={"pk": {"S": "big"}}, ConsistentRead=True)["Item"]
            assert item["v"]["S"] == big
            assert gzip_wire.response_codings[-1] == "gzip", gzip_wire.response_codings

        @check("small responses are not compressed")
        def _():
            client.put_item(TableName=TABLE, Item={"pk": {"S": "small"}, "v": {"S": "x"}})
            item = client.get_item(TableName=TABLE, Key={"pk": {"S": "small"}}, ConsistentRead=True)["Item"]
            assert item["v"]["S"] == "x"
            assert gzip_wire.response_codings[-1] is None, gzip_wire.response_codings

        @check("errors from compressed requests are DynamoDB's")
        def _():
            try:
                client.get_item(TableName="no-such-table-" + RUN, Key={"pk": {"S": "a"}})
            except client.exceptions.ResourceNotFoundException as e:
                assert e.response["Error"]["Message"] == "Requested resource not found", e.response
            else:
                raise AssertionError("expected ResourceNotFoundException")

        @check("deflate responses when only deflate is accepted")
        def _():
            wire = Wire()
            deflating = compressing_client(endpoint, "deflate", wire)
            item = deflating.get_item(TableName=TABLE, Key={"pk": {"S": "big"}}, ConsistentRead=True)["Item"]
            assert item["v"]["S"] == big
            assert wire.response_codings == ["deflate"], wire.response_codings
            assert not wire.crc_mismatches, wire.crc_mismatches

        @check("every x-amz-crc32 matched the bytes on the wire")
        def _():
            assert len(gzip_wire.response_codings) > 3
            assert not gzip_wire.crc_mismatches, gzip_wire.crc_mismatches
    finally:
        delete_tables(client, created)
    print("boto3 compression smoke: %d passed, %d failed" % (CHECKS.passed, CHECKS.failed))
    return 0 if CHECKS.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
