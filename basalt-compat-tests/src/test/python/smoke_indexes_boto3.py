#!/usr/bin/env python3
"""boto3 smoke test of secondary indexes: CreateTable with local and global indexes, DescribeTable's index
descriptions, Query and Scan on indexes through the resource API and paginators, index write capacity, and a
global index added and dropped with UpdateTable while the table has items.

Usage: smoke_indexes_boto3.py ENDPOINT          e.g. smoke_indexes_boto3.py http://127.0.0.1:8000

Every check asserts what Amazon DynamoDB itself does (docs/design/indexes.md and the index-*.md references), so the
script also runs against real DynamoDB (where index creation takes minutes). Global indexes are eventually
consistent: checks on them poll. Exits 0 only when no check failed; the last line is always
"boto3 indexes smoke: N passed, M failed".
"""

import sys
import time
import uuid
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Key
from smoke_support import Checks, connect, delete_tables, expect_error

RUN = uuid.uuid4().hex[:8]
MUSIC = "indexes-music-" + RUN      # Artist (S) + SongTitle (S), the Developer Guide's example table

CHECKS = Checks()
check = CHECKS.check


def eventually(fn, seconds=600):
    """Polls fn until it returns a true value (global indexes are eventually consistent)."""
    deadline = time.time() + seconds
    while True:
        value = fn()
        if value or time.time() > deadline:
            return value
        time.sleep(0.05)


def main():
    if len(sys.argv) != 2:
        print("usage: smoke_indexes_boto3.py ENDPOINT", file=sys.stderr)
        return 2
    endpoint = sys.argv[1]
    print("boto3 %s against %s" % (boto3.__version__, endpoint))
    client, dynamodb, _ = connect(endpoint)
    created = []

    try:
        client.create_table(
            TableName=MUSIC, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"}
                                  for a in ("Artist", "SongTitle", "AlbumTitle", "Genre")],
            KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"},
                       {"AttributeName": "SongTitle", "KeyType": "RANGE"}],
            LocalSecondaryIndexes=[{
                "IndexName": "AlbumTitleIndex",
                "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"},
                              {"AttributeName": "AlbumTitle", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Year"]}}],
            GlobalSecondaryIndexes=[{
                "IndexName": "GenreIndex",
                "KeySchema": [{"AttributeName": "Genre", "KeyType": "HASH"},
                              {"AttributeName": "SongTitle", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        created.append(MUSIC)
        client.get_waiter("table_exists").wait(TableName=MUSIC, WaiterConfig={"Delay": 1, "MaxAttempts": 600})
        music = dynamodb.Table(MUSIC)

        @check("describe_table lists both indexes with their shapes")
        def _():
            table = client.describe_table(TableName=MUSIC)["Table"]
            lsi = table["LocalSecondaryIndexes"][0]
            gsi = table["GlobalSecondaryIndexes"][0]
            assert lsi["IndexName"] == "AlbumTitleIndex" and lsi["Projection"] == {
                "ProjectionType": "INCLUDE", "NonKeyAttributes": ["Year"]}, lsi
            assert lsi["IndexArn"].endswith(":table/%s/index/AlbumTitleIndex" % MUSIC), lsi
            assert gsi["IndexName"] == "GenreIndex" and gsi["IndexStatus"] == "ACTIVE", gsi
            assert gsi["KeySchema"] == [{"AttributeName": "Genre", "KeyType": "HASH"},
                                        {"AttributeName": "SongTitle", "KeyType": "RANGE"}], gsi

        @check("batch_writer load; put_item reports index write capacity")
        def _():
            with music.batch_writer() as batch:
                for artist in range(4):
                    for song in range(25):
                        item = {"Artist": "artist%d" % artist, "SongTitle": "song%02d" % song,
                                "AlbumTitle": "album%d" % (song % 5), "Year": Decimal(1990 + song),
                                "Lyrics": "la" * 10}
                        if song % 2 == 0:
                            item["Genre"] = "rock" if song % 4 == 0 else "jazz"
                        batch.put_item(Item=item)
            capacity = client.put_item(
                TableName=MUSIC, ReturnConsumedCapacity="INDEXES",
                Item={"Artist": {"S": "solo"}, "SongTitle": {"S": "one"}, "AlbumTitle": {"S": "a"},
                      "Genre": {"S": "pop"}})["ConsumedCapacity"]
            assert capacity["CapacityUnits"] == 3.0, capacity
            assert capacity["Table"] == {"CapacityUnits": 1.0}, capacity
            assert capacity["LocalSecondaryIndexes"] == {"AlbumTitleIndex": {"CapacityUnits": 1.0}}, capacity
            assert capacity["GlobalSecondaryIndexes"] == {"GenreIndex": {"CapacityUnits": 1.0}}, capacity

        @check("query a local index in index order, with a strongly consistent read")
        def _():
            response = music.query(IndexName="AlbumTitleIndex", ConsistentRead=True,
                                   KeyConditionExpression=Key("Artist").eq("artist1") & Key("AlbumTitle").eq("album3"))
            assert [i["SongTitle"] for i in response["Items"]] == ["song03", "song08", "song13", "song18", "song23"]
            assert set(response["Items"][0]) == {"Artist", "SongTitle", "AlbumTitle", "Year"}, response["Items"][0]

        @check("query a global index (sparse, KEYS_ONLY) through the paginator")
        def _():
            def rock_songs():
                pages = client.get_paginator("query").paginate(
                    TableName=MUSIC, IndexName="GenreIndex", KeyConditionExpression="Genre = :g",
                    ExpressionAttributeValues={":g": {"S": "rock"}}, PaginationConfig={"PageSize": 4})
                return [item for page in pages for item in page["Items"]]
            items = eventually(lambda: (lambda found: found if len(found) == 28 else None)(rock_songs()))
            assert items is not None and len(items) == 28, items
            assert set(items[0]) == {"Artist", "SongTitle", "Genre"}, items[0]
            assert [i["SongTitle"]["S"] for i in items] == sorted(i["SongTitle"]["S"] for i in items)

        @check("consistent reads on a global index are refused")
        def _():
            expect_error(lambda: music.query(IndexName="GenreIndex", ConsistentRead=True,
                                             KeyConditionExpression=Key("Genre").eq("rock")),
                         "ValidationException", "Consistent reads are not supported on global secondary indexes")

        @check("parallel scan of a global index covers every entry once")
        def _():
            def scanned():
                keys = []
                for segment in range(3):
                    for page in client.get_paginator("scan").paginate(TableName=MUSIC, IndexName="GenreIndex",
                                                                      Segment=segment, TotalSegments=3):
                        keys.extend((i["Artist"]["S"], i["SongTitle"]["S"]) for i in page["Items"])
                return keys
            # The last writes may still be on their way to the index.
            keys = eventually(lambda: (lambda found: found if len(found) >= 53 else None)(scanned())) or scanned()
            assert len(keys) == len(set(keys)) == 53, len(keys)

        @check("update_table adds a global index to a table with items, then drops it")
        def _():
            client.update_table(
                TableName=MUSIC,
                AttributeDefinitions=[{"AttributeName": "AlbumTitle", "AttributeType": "S"}],
                GlobalSecondaryIndexUpdates=[{"Create": {
                    "IndexName": "AlbumIndex",
                    "KeySchema": [{"AttributeName": "AlbumTitle", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"}}}])

            def status():
                indexes = client.describe_table(TableName=MUSIC)["Table"]["GlobalSecondaryIndexes"]
                return {i["IndexName"]: i["IndexStatus"] for i in indexes}
            assert eventually(lambda: status().get("AlbumIndex") == "ACTIVE"), status()
            response = music.query(IndexName="AlbumIndex", KeyConditionExpression=Key("AlbumTitle").eq("album2"))
            assert response["Count"] == 20 and "Lyrics" in response["Items"][0], response["Count"]
            client.update_table(TableName=MUSIC, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "AlbumIndex"}}])
            assert eventually(lambda: "AlbumIndex" not in status()), status()
    finally:
        delete_tables(client, created)

    print("boto3 indexes smoke: %d passed, %d failed" % (CHECKS.passed, CHECKS.failed))
    return 0 if CHECKS.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
