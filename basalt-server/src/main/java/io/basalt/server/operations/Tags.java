package io.basalt.server.operations;

import io.basalt.model.BasaltException;
import io.basalt.model.Limits;
import io.basalt.server.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tag lists of CreateTable and TagResource, with AWS's tagging rules. */
final class Tags {
    private static final int MAX_KEY_LENGTH = 128;
    private static final int MAX_VALUE_LENGTH = 256;

    private Tags() {
    }

    /** Reads {@code Tags: [{Key, Value}]}; null when absent. Constraint violations go to {@code errors}. */
    static Map<String, String> parse(JsonObject request, ValidationErrors errors) {
        List<JsonObject> list = request.getStructureList("Tags", "Tag");
        if (list == null) {
            return null;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonObject tag = list.get(i) == null ? null : list.get(i);
            String path = "tags." + (i + 1) + ".member";
            String key = tag == null ? null : tag.getString("Key");
            String value = tag == null ? null : tag.getString("Value");
            if (key == null) {
                errors.requireNonNull(null, path + ".key");
            } else if (key.isEmpty()) {
                errors.add(key, path + ".key", "Member must have length greater than or equal to 1");
            } else if (key.length() > MAX_KEY_LENGTH) {
                errors.add(key, path + ".key", "Member must have length less than or equal to " + MAX_KEY_LENGTH);
            }
            if (value == null) {
                errors.requireNonNull(null, path + ".value");
            } else if (value.length() > MAX_VALUE_LENGTH) {
                errors.add(value, path + ".value",
                        "Member must have length less than or equal to " + MAX_VALUE_LENGTH);
            }
            if (key != null && value != null) {
                if (tags.containsKey(key)) {
                    throw BasaltException.validation("Duplicate Tag Keys provided as input: Duplicate Tag Key found "
                            + key);
                }
                tags.put(key, value);
            }
        }
        return tags;
    }

    /** The rules on tag content, checked once the request is well-formed. */
    static void checkContent(Map<String, String> tags) {
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (!allowedCharacters(tag.getKey())) {
                throw BasaltException.validation("The Tag Key provided is invalid, Key: " + tag.getKey());
            }
            if (tag.getKey().startsWith("aws:")) {
                throw BasaltException.validation("Tag Key cannot be prefixed with aws:, Key: " + tag.getKey());
            }
            if (!allowedCharacters(tag.getValue())) {
                throw BasaltException.validation("The Tag Value provided is invalid, Value: " + tag.getValue());
            }
        }
    }

    static void checkCount(int count) {
        if (count > Limits.MAX_TAGS_PER_RESOURCE) {
            throw BasaltException.validation("Number of Tags exceed the current limit for the provided ResourceArn");
        }
    }

    /** AWS tags allow letters, digits and white space in any language, and {@code _ . : / = + - @}. */
    private static boolean allowedCharacters(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (!(Character.isLetterOrDigit(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || "_.:/=+-@".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }
}
