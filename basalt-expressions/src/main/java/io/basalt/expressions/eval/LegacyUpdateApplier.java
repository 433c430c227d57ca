package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the legacy {@code AttributeUpdates} of UpdateItem: PUT sets an attribute, DELETE without a value removes
 * it, DELETE with a set removes elements (the attribute goes when none remain), ADD adds to a number, to a set or
 * to the end of a list, and creates the attribute when absent
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValueUpdate.html). A value whose
 * type differs from the attribute's fails with "Type mismatch for attribute to update" (dynalite
 * test/updateItem.js, checked against DynamoDB).
 */
public final class LegacyUpdateApplier {
    private LegacyUpdateApplier() {
    }

    /**
     * Applies every action to {@code item} (never null: an absent item arrives as its key attributes).
     *
     * @return the new item and one top-level path per action, in the request's order
     * @throws BasaltException ValidationException on a type mismatch
     */
    public static UpdateResult apply(LegacyUpdate update, Item item) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>(item.attributes());
        List<DocumentPath> updated = new ArrayList<>(update.actions().size());
        for (LegacyUpdate.Action action : update.actions()) {
            AttributeValue existing = attributes.get(action.attribute());
            AttributeValue next = switch (action.kind()) {
                case PUT -> action.value();
                case DELETE -> action.value() == null ? null : difference(existing, action.value());
                case ADD -> add(existing, action.value());
            };
            if (next == null) {
                attributes.remove(action.attribute());
            } else {
                attributes.put(action.attribute(), next);
            }
            updated.add(DocumentPath.of(action.attribute()));
        }
        return new UpdateResult(new Item(attributes), updated);
    }

    private static AttributeValue add(AttributeValue existing, AttributeValue value) {
        if (existing == null) {
            return value;
        }
        if (existing.type() != value.type()) {
            throw typeMismatch();
        }
        if (value instanceof AttributeValue.NumberValue number) {
            DynamoNumber sum = ((AttributeValue.NumberValue) existing).value().add(number.value());
            return new AttributeValue.NumberValue(sum);
        }
        if (value instanceof AttributeValue.ListValue list) {
            List<AttributeValue> appended = new ArrayList<>(((AttributeValue.ListValue) existing).values());
            appended.addAll(list.values());
            return new AttributeValue.ListValue(appended);
        }
        return switch (value.type()) {
            case SS -> new AttributeValue.StringSetValue(union(((AttributeValue.StringSetValue) existing).values(),
                    ((AttributeValue.StringSetValue) value).values()));
            case NS -> new AttributeValue.NumberSetValue(union(((AttributeValue.NumberSetValue) existing).values(),
                    ((AttributeValue.NumberSetValue) value).values()));
            case BS -> new AttributeValue.BinarySetValue(union(((AttributeValue.BinarySetValue) existing).values(),
                    ((AttributeValue.BinarySetValue) value).values()));
            default -> throw typeMismatch();
        };
    }

    /** The set without the given elements; null (the attribute goes) when nothing remains or it was absent. */
    private static AttributeValue difference(AttributeValue existing, AttributeValue value) {
        if (existing == null) {
            return null;
        }
        if (existing.type() != value.type()) {
            throw typeMismatch();
        }
        return switch (value.type()) {
            case SS -> {
                List<String> rest = minus(((AttributeValue.StringSetValue) existing).values(),
                        ((AttributeValue.StringSetValue) value).values());
                yield rest.isEmpty() ? null : new AttributeValue.StringSetValue(rest);
            }
            case NS -> {
                List<DynamoNumber> rest = minus(((AttributeValue.NumberSetValue) existing).values(),
                        ((AttributeValue.NumberSetValue) value).values());
                yield rest.isEmpty() ? null : new AttributeValue.NumberSetValue(rest);
            }
            case BS -> {
                List<Bytes> rest = minus(((AttributeValue.BinarySetValue) existing).values(),
                        ((AttributeValue.BinarySetValue) value).values());
                yield rest.isEmpty() ? null : new AttributeValue.BinarySetValue(rest);
            }
            default -> throw typeMismatch();
        };
    }

    private static <T> List<T> union(List<T> existing, List<T> added) {
        Set<T> union = new LinkedHashSet<>(existing);
        union.addAll(added);
        return new ArrayList<>(union);
    }

    private static <T> List<T> minus(List<T> existing, List<T> removed) {
        Set<T> rest = new LinkedHashSet<>(existing);
        removed.forEach(rest::remove);
        return new ArrayList<>(rest);
    }

    private static BasaltException typeMismatch() {
        return BasaltException.validation("Type mismatch for attribute to update");
    }
}
