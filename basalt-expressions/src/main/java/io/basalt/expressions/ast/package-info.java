/**
 * The immutable AST of every expression kind. Hierarchies are sealed, so a pattern switch over them is
 * exhaustive. Parsed trees keep placeholders ({@link io.basalt.expressions.ast.PathElement.NamePlaceholder},
 * {@link io.basalt.expressions.ast.Operand.ValuePlaceholder}); binding replaces them with names and values, so an
 * evaluator only ever sees bound trees.
 */
package io.basalt.expressions.ast;
