/**
 * DynamoDB's expression language, one parser and one AST for the five expression kinds (condition, filter,
 * key condition, update, projection): parsing with DynamoDB's syntax errors and limits (cached by text), binding
 * of {@code #name} and {@code :value} placeholders with DynamoDB's unused/undefined checks, and evaluation against
 * items. The legacy parameters ({@code Expected}, {@code AttributeUpdates}, ...) are translated into the same AST.
 */
package io.basalt.expressions;
