/**
 * Evaluation of bound expression trees: conditions ({@link io.basalt.expressions.eval.ConditionEvaluator}),
 * update application ({@link io.basalt.expressions.eval.UpdateApplier}, and
 * {@link io.basalt.expressions.eval.LegacyUpdateApplier} for the legacy AttributeUpdates), projection
 * ({@link io.basalt.expressions.eval.Projector}) and the static checks DynamoDB makes on an expression before it
 * reads any item ({@link io.basalt.expressions.eval.ExpressionValidator}).
 *
 * <p>The semantics and every error text, with their sources, are in {@code docs/design/expression-semantics.md}.
 * Items are never copied to be evaluated: paths are resolved by walking the item's maps and lists, and an update
 * rebuilds only the containers on the paths it changes.
 */
package io.basalt.expressions.eval;
