/**
 * Smoke tests that drive a real Basalt server with clients written in other languages: boto3 (Python) and the AWS
 * CLI. The scripts live in {@code src/test/python} and {@code src/test/shell} and also run by hand against any
 * DynamoDB-compatible endpoint.
 */
package io.basalt.compat.crossclient;
