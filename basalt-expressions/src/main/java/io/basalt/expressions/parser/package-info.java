/**
 * The hand-written lexer and recursive-descent parser for DynamoDB's expression language: condition, filter and
 * key-condition expressions, update expressions and projection expressions. {@link
 * io.basalt.expressions.parser.ExpressionParser} is the entry point; it produces unbound trees of
 * {@link io.basalt.expressions.ast} (placeholders kept) or throws a validation error carrying DynamoDB's exact
 * message. The grammar, the error texts and their sources are described in {@code docs/design/expression-grammar.md}.
 */
package io.basalt.expressions.parser;
