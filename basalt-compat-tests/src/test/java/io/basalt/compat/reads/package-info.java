/**
 * Black-box compatibility tests of DynamoDB's read and batch operations (Query, Scan and parallel Scan,
 * BatchGetItem, BatchWriteItem) through the AWS SDK for Java v2 and boto3. Expected behaviour and exact messages
 * follow docs/design/query-reference.md.
 */
package io.basalt.compat.reads;
