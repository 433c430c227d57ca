package io.basalt.server.operations;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import io.basalt.model.KeySchema;
import io.basalt.partition.ItemUpdate;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The legacy {@code AttributeUpdates} parameter of UpdateItem: PUT sets an attribute, DELETE without a value
 * removes it, DELETE with a set removes elements, ADD adds to a number, to a set or to the end of a list. Its
 * semantics and messages differ from UpdateExpression's, so it is applied directly rather than translated.
 */
final class LegacyAttributeUpdates implements ItemUpdate {
    static final List<String> ACTIONS = List.of("ADD", "PUT", "DELETE");
    private static final String INVALID = "One or more parameter values were invalid: ";

    private record Change(String attribute, String action, AttributeValue value) {
    }

    private final List<Change> changes;

    private LegacyAttributeUpdates(List<Change> changes) {
        this.changes = List.copyOf(changes);
    }

    /** The request's AttributeUpdates, checked; null when absent. */
    static LegacyAttributeUpdates read(JsonObject request, ValidationErrors errors) {
        JsonObject updates = request.getStructure("AttributeUpdates", "AttributeUpdates");
        if (updates == null) {
            return null;
        }
        for (String attribute : updates.names()) {
            JsonObject entry = updates.getStructure(attribute, "AttributeValueUpdate");
            if (entry != null) {
                errors.checkEnum(entry.getString("Action"), "attributeUpdates." + attribute + ".member.action",
                        ACTIONS);
            }
        }
        errors.throwIfAny();
        List<Change> changes = new ArrayList<>();
        for (String attribute : updates.names()) {
            JsonObject entry = updates.getStructure(attribute, "AttributeValueUpdate");
            if (entry == null) {
                continue;
            }
            String action = entry.getString("Action") == null ? "PUT" : entry.getString("Action");
            AttributeValue value = entry.has("Value") ? AttributeValueJson.read(entry.get("Value")) : null;
            if (value == null && !action.equals("DELETE")) {
                throw BasaltException.validation(INVALID + "Only DELETE action is allowed when no attribute value is "
                        + "specified");
            }
            if (value != null && action.equals("DELETE") && !value.type().isSet()) {
                throw BasaltException.validation(INVALID + "DELETE action with value is not supported for the type "
                        + value.type().descriptor());
            }
            if (value != null && action.equals("ADD") && !addable(value.type())) {
                throw BasaltException.validation(INVALID + "ADD action is not supported for the type "
                        + value.type().descriptor());
            }
            changes.add(new Change(attribute, action, value));
        }
        return new LegacyAttributeUpdates(changes);
    }

    private static boolean addable(AttributeType type) {
        return type == AttributeType.N || type.isSet() || type == AttributeType.L;
    }

    /** Refuses changes of key attributes, once the table is known. */
    void checkNotKey(KeySchema schema) {
        for (Change change : changes) {
            if (schema.isKeyAttribute(change.attribute())) {
                throw BasaltException.validation(INVALID + "Cannot update attribute " + change.attribute()
                        + ". This attribute is part of the key");
            }
        }
    }

    @Override
    public Applied apply(Item current) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>(current.attributes());
        List<DocumentPath> updated = new ArrayList<>(changes.size());
        for (Change change : changes) {
            AttributeValue existing = attributes.get(change.attribute());
            AttributeValue next = switch (change.action()) {
                case "PUT" -> change.value();
                case "DELETE" -> change.value() == null ? null : difference(existing, change.value());
                case "ADD" -> add(existing, change.value());
                default -> throw new IllegalStateException("unknown action " + change.action());
            };
            if (next == null) {
                attributes.remove(change.attribute());
            } else {
                attributes.put(change.attribute(), next);
            }
            updated.add(DocumentPath.of(change.attribute()));
        }
        return new Applied(new Item(attributes), updated);
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
