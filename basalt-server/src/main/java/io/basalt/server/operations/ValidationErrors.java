package io.basalt.server.operations;

import io.basalt.model.BasaltException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Collects the constraint violations of one request and reports them as DynamoDB's service framework does:
 * {@code 1 validation error detected: Value 'x' at 'tableName' failed to satisfy constraint: Member must ...},
 * or {@code N validation errors detected: ...; ...} for several.
 */
final class ValidationErrors {
    private static final int MAX_REPORTED = 10;

    /** One violation: the member path it is reported at and its text. */
    private record Violation(String path, String text) {
    }

    private final List<Violation> errors = new ArrayList<>();
    private final RequestMembers members;

    /** Violations reported in the order they are found. */
    ValidationErrors() {
        this.members = null;
    }

    /** Violations reported in the order DynamoDB visits {@code members} (see {@link RequestMembers}). */
    ValidationErrors(RequestMembers members) {
        this.members = java.util.Objects.requireNonNull(members, "members is null");
    }

    /** Records that {@code value} at {@code path} breaks {@code constraint} ("Member must ..."). */
    ValidationErrors add(Object value, String path, String constraint) {
        errors.add(new Violation(path, "Value " + render(value) + " at '" + path + "' failed to satisfy constraint: "
                + constraint));
        return this;
    }

    /**
     * Records a violation in the newer framework's form, which prints no value and capitalises the member:
     * {@code Value at 'Limit' failed to satisfy constraint: ...} (Query since 2026).
     */
    ValidationErrors addWithoutValue(String path, String constraint) {
        errors.add(new Violation(path, "Value at '" + path + "' failed to satisfy constraint: " + constraint));
        return this;
    }

    ValidationErrors requireNonNull(Object value, String path) {
        if (value == null) {
            add(null, path, "Member must not be null");
        }
        return this;
    }

    /** Checks a name's length and DynamoDB's name pattern (tables and indexes). */
    ValidationErrors checkName(String name, String path) {
        if (name == null) {
            return requireNonNull(null, path);
        }
        if (name.length() < 3) {
            add(name, path, "Member must have length greater than or equal to 3");
        }
        if (name.length() > 255) {
            add(name, path, "Member must have length less than or equal to 255");
        }
        if (!TableNames.matchesPattern(name)) {
            add(name, path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
        return this;
    }

    ValidationErrors checkEnum(String value, String path, Collection<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            add(value, path, "Member must satisfy enum value set: " + allowed);
        }
        return this;
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /**
     * @throws BasaltException a ValidationException listing the errors, when there is any; like DynamoDB, at most
     *     the first ten
     */
    void throwIfAny() {
        if (errors.isEmpty()) {
            return;
        }
        List<Violation> ordered = errors;
        if (members != null && errors.size() > 1) {
            // A stable sort: violations of one member keep the order they were found in.
            ordered = new ArrayList<>(errors);
            ordered.sort(java.util.Comparator.comparingInt(violation -> members.rank(violation.path())));
        }
        List<String> reported = new ArrayList<>(Math.min(ordered.size(), MAX_REPORTED));
        for (Violation violation : ordered.subList(0, Math.min(ordered.size(), MAX_REPORTED))) {
            reported.add(violation.text());
        }
        StringBuilder message = new StringBuilder();
        message.append(reported.size()).append(reported.size() == 1 ? " validation error detected: "
                : " validation errors detected: ");
        message.append(String.join("; ", reported));
        throw BasaltException.validation(message.toString());
    }

    /** Values as DynamoDB's framework prints them: null bare, everything else in single quotes. */
    private static String render(Object value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
