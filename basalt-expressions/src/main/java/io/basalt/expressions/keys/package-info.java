/**
 * Key conditions of Query: a bound KeyConditionExpression (or translated legacy KeyConditions) checked against a
 * table's or index's key schema and reduced to one partition key value and an optional sort key condition, which
 * a query turns into a key range.
 */
package io.basalt.expressions.keys;
