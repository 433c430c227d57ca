/**
 * Black-box compatibility tests of DynamoDB transactions (TransactWriteItems, TransactGetItems) through the AWS
 * SDK for Java v2, sync and async clients: validation in DynamoDB's order and words, response shapes, cancellation
 * reasons as the SDK parses them, capacity, idempotency and invariants under concurrency. Expected behaviour and
 * exact messages follow docs/design/transactions-reference.md.
 */
package io.basalt.compat.transactions;
