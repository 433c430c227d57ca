/**
 * One handler per DynamoDB operation, and what they share: request validation in DynamoDB's words, key
 * extraction, table descriptions, return values and consumed capacity.
 */
package io.basalt.server.operations;
