/**
 * Binding: replaces the {@code #name} and {@code :value} placeholders of parsed expressions with the request's
 * ExpressionAttributeNames and ExpressionAttributeValues, with DynamoDB's checks for undefined and unused ones.
 */
package io.basalt.expressions.bind;
