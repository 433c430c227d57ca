"""What the boto3 smoke scripts share: named checks that record their outcome, and the expected-error assertion.

Import from a script in this directory (the script's directory is first on sys.path).
"""

import sys
import traceback

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "us-east-1"


class Checks:
    """Counts passed and failed checks; use check(name) as a decorator that runs the function at once."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name):
        def run(fn):
            try:
                fn()
            except Exception:  # noqa: BLE001 - any exception is a failed check
                self.failed += 1
                print("FAIL  %s" % name)
                kind, value, tb = sys.exc_info()
                for frame in traceback.extract_tb(tb):
                    if frame.filename.endswith("_boto3.py"):
                        print("    at %s line %d: %s" % (frame.filename.rsplit("/", 1)[-1], frame.lineno,
                                                        (frame.line or "").strip()))
                print("    %s: %s" % (kind.__name__, value))
            else:
                self.passed += 1
                print("ok    %s" % name)
            return fn

        return run


def expect_error(call, code, message):
    """Asserts that call() fails with DynamoDB error code and exactly message; returns the ClientError."""
    try:
        result = call()
    except ClientError as e:
        error = e.response.get("Error", {})
        assert error.get("Code") == code, "code: expected %r, got %r" % (code, error)
        assert error.get("Message") == message, "message:\n  expected %r\n  actual   %r" % (
            message, error.get("Message"))
        return e
    raise AssertionError("expected %s but the call succeeded: %r" % (code, result))


def connect(endpoint):
    """A low-level client, a resource and their config for endpoint: dummy credentials, no retries."""
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="x",
                          aws_secret_access_key="y", config=config)
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="y", region_name=REGION)
    return client, session.resource("dynamodb", endpoint_url=endpoint, config=config), config


def delete_tables(client, names):
    """Deletes the tables a script created, reporting (not failing on) those it cannot."""
    for name in names:
        try:
            client.delete_table(TableName=name)
        except ClientError as e:
            print("cleanup: could not delete %s: %s" % (name, e))
