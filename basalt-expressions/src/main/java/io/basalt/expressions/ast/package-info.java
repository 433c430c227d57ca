/**
 * The immutable AST of every expression kind. Hierarchies are sealed, so a pattern switch over them is
 * exhaustive. Parsed trees keep placeholders ({@link io.basalt.expressions.ast.PathElement.NamePlaceholder},
 * {@link io.basalt.expressions.ast.Operand.ValuePlaceholder}); binding replaces them with names and values, so an
 * evaluator only ever sees bound trees.
 *
 * <p>Bound trees are data that a partition leader receives: basalt-partition's {@code OperationCodec} gives every
 * sealed subtype and enum constant here a persistent tag, so a new node type needs a new tag there (tags are never
 * reordered or reused).
 */
package io.basalt.expressions.ast;
