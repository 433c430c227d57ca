package io.basalt.server.operations;

import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.KeySchema;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and checks the legacy {@code AttributeUpdates} parameter of UpdateItem into a {@link LegacyUpdate}, which
 * the partition applies ({@link io.basalt.expressions.eval.LegacyUpdateApplier}): PUT sets an attribute, DELETE
 * without a value removes it, DELETE with a set removes elements, ADD adds to a number, to a set or to the end of
 * a list. The checks and their messages are the request's; the type mismatches found against the item are the
 * applier's.
 */
final class LegacyAttributeUpdatesReader {
    static final List<String> ACTIONS = List.of("ADD", "PUT", "DELETE");
    private static final String INVALID = "One or more parameter values were invalid: ";

    private LegacyAttributeUpdatesReader() {
    }

    /** The request's AttributeUpdates, checked; null when absent. */
    static LegacyUpdate read(JsonObject request, ValidationErrors errors) {
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
        List<LegacyUpdate.Action> actions = new ArrayList<>();
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
            actions.add(new LegacyUpdate.Action(attribute, LegacyUpdate.Kind.valueOf(action), value));
        }
        return new LegacyUpdate(actions);
    }

    private static boolean addable(AttributeType type) {
        return type == AttributeType.N || type.isSet() || type == AttributeType.L;
    }

    /** Refuses changes of key attributes, once the table is known. */
    static void checkNotKey(LegacyUpdate update, KeySchema schema) {
        for (LegacyUpdate.Action action : update.actions()) {
            if (schema.isKeyAttribute(action.attribute())) {
                throw BasaltException.validation(INVALID + "Cannot update attribute " + action.attribute()
                        + ". This attribute is part of the key");
            }
        }
    }
}
