package io.basalt.expressions.bind;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.expressions.parser.DeferredProblem;
import io.basalt.expressions.parser.ParsedExpression;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds the expressions of one request to its ExpressionAttributeNames and ExpressionAttributeValues. Every
 * expression of the request goes through the same binder, then {@link #requireAllUsed()} checks that each name
 * and value was used by at least one of them, as DynamoDB requires. Not thread-safe: one per request.
 *
 * <p>The {@link ParsedExpression} methods report errors in DynamoDB's order. A condition is bound leaf condition by
 * leaf condition, left to right, each leaf's placeholders resolved before its own checks, and a problem the parser
 * deferred is reported at its leaf once the placeholders before it are defined: dynalite db/conditionParser.pegjs
 * resolves names and values while parsing and decides each condition's error when it ends, attrNameVal first, then
 * operand, distinct and function (so {@code begins_with(:hello, #a, #b)} reports the undefined {@code :hello}, yet
 * {@code a = a AND #a = b AND :views > a} reports {@code a = a}; test/scan.js, checked against DynamoDB). An update
 * checks every name, then every value, in text order, before anything else (db/updateParser.pegjs checkErrors:
 * attrName, attrVal, then pathOverlap, ..., function; Alternator test_update_expression_if_not_exists_bad_args:
 * {@code SET b = if_not_exists(:val2, :val1)} reports the undefined {@code :val2}).
 */
public final class ExpressionBinder {
    private final Map<String, String> names;
    private final Map<String, AttributeValue> values;
    private final Set<String> usedNames = new HashSet<>();
    private final Set<String> usedValues = new HashSet<>();
    private String parameterName = "";

    /** @param names or null when the request has none; likewise {@code values} */
    public ExpressionBinder(Map<String, String> names, Map<String, AttributeValue> values) {
        this.names = names == null ? Map.of() : names;
        this.values = values == null ? Map.of() : values;
    }

    /** @param parameterName the request parameter the condition came from, for messages */
    public Condition bind(Condition condition, String parameterName) {
        this.parameterName = parameterName;
        return bindCondition(condition);
    }

    /**
     * Binds a parsed condition, checking each leaf with {@code checker} as it is bound, and reporting the parser's
     * deferred problem at its place.
     *
     * @param parameterName the request parameter the condition came from, for messages
     */
    public Condition bind(ParsedExpression<Condition> parsed, String parameterName, LeafChecker checker) {
        this.parameterName = parameterName;
        LeafWalk walk = new LeafWalk(parsed, checker);
        Condition bound = walk.condition(parsed.tree());
        if (parsed.problem() != null) {
            // A problem the parser tied to no leaf (defensive: every operand problem ends with its condition).
            walk.report(parsed.problem());
        }
        return bound;
    }

    /** Binds a parsed update: every name, then every value, must be defined before its deferred problem. */
    public UpdateExpression bind(ParsedExpression<UpdateExpression> parsed) {
        this.parameterName = "UpdateExpression";
        requireDefined(parsed.placeholders(), "#");
        requireDefined(parsed.placeholders(), ":");
        if (parsed.problem() != null) {
            throw BasaltException.validation(parsed.problem().message());
        }
        return bind(parsed.tree());
    }

    public UpdateExpression bind(UpdateExpression update) {
        this.parameterName = "UpdateExpression";
        List<UpdateExpression.SetAction> set = new ArrayList<>(update.set().size());
        for (UpdateExpression.SetAction action : update.set()) {
            set.add(new UpdateExpression.SetAction(bindPath(action.path()), bindOperand(action.value())));
        }
        List<DocumentPath> remove = new ArrayList<>(update.remove().size());
        for (DocumentPath path : update.remove()) {
            remove.add(bindPath(path));
        }
        List<UpdateExpression.AddAction> add = new ArrayList<>(update.add().size());
        for (UpdateExpression.AddAction action : update.add()) {
            add.add(new UpdateExpression.AddAction(bindPath(action.path()), bindOperand(action.value())));
        }
        List<UpdateExpression.DeleteAction> delete = new ArrayList<>(update.delete().size());
        for (UpdateExpression.DeleteAction action : update.delete()) {
            delete.add(new UpdateExpression.DeleteAction(bindPath(action.path()), bindOperand(action.value())));
        }
        return new UpdateExpression(set, remove, add, delete);
    }

    public ProjectionExpression bind(ProjectionExpression projection) {
        this.parameterName = "ProjectionExpression";
        List<DocumentPath> paths = new ArrayList<>(projection.paths().size());
        for (DocumentPath path : projection.paths()) {
            paths.add(bindPath(path));
        }
        return new ProjectionExpression(paths);
    }

    /** Fails when a name or value of the request was used by none of its expressions. */
    public void requireAllUsed() {
        requireUsed(names.keySet(), usedNames, "ExpressionAttributeNames");
        requireUsed(values.keySet(), usedValues, "ExpressionAttributeValues");
    }

    private static void requireUsed(Set<String> provided, Set<String> used, String parameter) {
        if (used.size() == provided.size()) {
            return;
        }
        List<String> unused = new ArrayList<>();
        for (String key : provided) {
            if (!used.contains(key)) {
                unused.add(key);
            }
        }
        throw BasaltException.validation("Value provided in " + parameter + " unused in expressions: keys: {"
                + String.join(", ", unused) + "}");
    }

    /** Resolves the placeholders that start with {@code prefix}, in order; the first undefined one fails. */
    private void requireDefined(List<String> placeholders, String prefix) {
        for (String placeholder : placeholders) {
            if (!placeholder.startsWith(prefix)) {
                continue;
            }
            if (placeholder.startsWith("#")) {
                bindPath(new DocumentPath(List.of(new PathElement.NamePlaceholder(placeholder))));
            } else {
                bindOperand(new Operand.ValuePlaceholder(placeholder));
            }
        }
    }

    /** Binds a condition's leaves left to right, each checked once bound. */
    private final class LeafWalk {
        private final ParsedExpression<Condition> parsed;
        private final LeafChecker checker;
        private int leaf;

        LeafWalk(ParsedExpression<Condition> parsed, LeafChecker checker) {
            this.parsed = parsed;
            this.checker = checker;
        }

        Condition condition(Condition condition) {
            if (condition instanceof Condition.And c) {
                Condition left = condition(c.left());
                return new Condition.And(left, condition(c.right()));
            } else if (condition instanceof Condition.Or c) {
                Condition left = condition(c.left());
                return new Condition.Or(left, condition(c.right()));
            } else if (condition instanceof Condition.Not c) {
                return new Condition.Not(condition(c.condition()));
            }
            DeferredProblem problem = parsed.problem();
            int index = leaf++;
            if (problem != null && index == problem.leaf()) {
                report(problem);
            }
            Condition bound = bindCondition(condition);
            fail(checker.leaf(bound));
            return bound;
        }

        /** The placeholders before the problem, then the checks of its function's operands, then the problem. */
        void report(DeferredProblem problem) {
            for (String placeholder : parsed.placeholders().subList(0,
                    Math.min(problem.placeholders(), parsed.placeholders().size()))) {
                requireDefined(List.of(placeholder), placeholder.substring(0, 1));
            }
            for (Operand operand : problem.operands()) {
                fail(checker.operand(bindOperand(operand)));
            }
            throw BasaltException.validation(problem.message());
        }

        private void fail(String detail) {
            if (detail != null) {
                throw BasaltException.validation("Invalid " + parameterName + ": " + detail);
            }
        }
    }

    private Condition bindCondition(Condition condition) {
        if (condition instanceof Condition.Comparison c) {
            return new Condition.Comparison(bindOperand(c.left()), c.comparator(), bindOperand(c.right()));
        } else if (condition instanceof Condition.Between c) {
            return new Condition.Between(bindOperand(c.value()), bindOperand(c.low()), bindOperand(c.high()));
        } else if (condition instanceof Condition.In c) {
            List<Operand> candidates = new ArrayList<>(c.candidates().size());
            for (Operand candidate : c.candidates()) {
                candidates.add(bindOperand(candidate));
            }
            return new Condition.In(bindOperand(c.value()), candidates);
        } else if (condition instanceof Condition.And c) {
            return new Condition.And(bindCondition(c.left()), bindCondition(c.right()));
        } else if (condition instanceof Condition.Or c) {
            return new Condition.Or(bindCondition(c.left()), bindCondition(c.right()));
        } else if (condition instanceof Condition.Not c) {
            return new Condition.Not(bindCondition(c.condition()));
        } else if (condition instanceof Condition.AttributeExists c) {
            return new Condition.AttributeExists(bindPath(c.path()));
        } else if (condition instanceof Condition.AttributeNotExists c) {
            return new Condition.AttributeNotExists(bindPath(c.path()));
        } else if (condition instanceof Condition.AttributeTypeIs c) {
            return new Condition.AttributeTypeIs(bindOperand(c.value()), bindOperand(c.type()));
        } else if (condition instanceof Condition.BeginsWith c) {
            return new Condition.BeginsWith(bindOperand(c.value()), bindOperand(c.prefix()));
        } else if (condition instanceof Condition.Contains c) {
            return new Condition.Contains(bindOperand(c.value()), bindOperand(c.operand()));
        }
        throw new IllegalStateException("unknown condition " + condition);
    }

    private Operand bindOperand(Operand operand) {
        if (operand instanceof Operand.Path p) {
            return new Operand.Path(bindPath(p.path()));
        } else if (operand instanceof Operand.ValuePlaceholder v) {
            AttributeValue value = values.get(v.placeholder());
            if (value == null) {
                throw BasaltException.validation("Invalid " + parameterName + ": An expression attribute value used "
                        + "in expression is not defined; attribute value: " + v.placeholder());
            }
            usedValues.add(v.placeholder());
            return new Operand.Literal(value, v.placeholder());
        } else if (operand instanceof Operand.Literal) {
            return operand;
        } else if (operand instanceof Operand.Size s) {
            return new Operand.Size(bindPath(s.path()));
        } else if (operand instanceof Operand.SizeOf s) {
            return new Operand.SizeOf(bindOperand(s.operand()));
        } else if (operand instanceof Operand.IfNotExists i) {
            return new Operand.IfNotExists(bindPath(i.path()), bindOperand(i.fallback()));
        } else if (operand instanceof Operand.ListAppend l) {
            return new Operand.ListAppend(bindOperand(l.first()), bindOperand(l.second()));
        } else if (operand instanceof Operand.Arithmetic a) {
            return new Operand.Arithmetic(bindOperand(a.left()), a.operator(), bindOperand(a.right()));
        }
        throw new IllegalStateException("unknown operand " + operand);
    }

    private DocumentPath bindPath(DocumentPath path) {
        if (path.isBound()) {
            return path;
        }
        List<PathElement> elements = new ArrayList<>(path.size());
        for (PathElement element : path.elements()) {
            if (element instanceof PathElement.NamePlaceholder placeholder) {
                String name = names.get(placeholder.placeholder());
                if (name == null) {
                    throw BasaltException.validation("Invalid " + parameterName + ": An expression attribute name "
                            + "used in the document path is not defined; attribute name: " + placeholder.placeholder());
                }
                usedNames.add(placeholder.placeholder());
                elements.add(new PathElement.Name(name));
            } else {
                elements.add(element);
            }
        }
        return new DocumentPath(elements);
    }
}
