package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

/**
 * What a client asked of one register: the operation's kind and its input.
 *
 * @param kind the DynamoDB operation
 * @param version for {@link Kind#PUT} the version written; for {@link Kind#UPDATE} the version the condition
 *     expects (the update writes {@code version + 1}); otherwise 0
 * @param value the value written by PUT and UPDATE; otherwise null
 */
public record Command(Kind kind, long version, String value) {
    /** The four single-item operations the register model covers. */
    public enum Kind {
        /** GetItem with {@code ConsistentRead=true}; eventually consistent reads may be stale and are not checked. */
        GET,
        /** PutItem without a condition: sets {@code (version, value)}. */
        PUT,
        /**
         * UpdateItem with {@code ConditionExpression #version = :expected}: sets {@code (expected + 1, value)} or
         * fails with ConditionalCheckFailedException (also when the item is absent).
         */
        UPDATE,
        /** DeleteItem without a condition: the item becomes absent. */
        DELETE
    }

    public Command {
        requireNonNull(kind, "kind is null");
        switch (kind) {
            case PUT, UPDATE -> {
                requireNonNull(value, "value is null");
                if (version < 0) {
                    throw new IllegalArgumentException("version is negative: " + version);
                }
            }
            case GET, DELETE -> {
                if (version != 0 || value != null) {
                    throw new IllegalArgumentException(kind + " takes no version or value");
                }
            }
        }
    }

    public static Command get() {
        return new Command(Kind.GET, 0, null);
    }

    public static Command put(long version, String value) {
        return new Command(Kind.PUT, version, value);
    }

    public static Command update(long expectedVersion, String value) {
        return new Command(Kind.UPDATE, expectedVersion, value);
    }

    public static Command delete() {
        return new Command(Kind.DELETE, 0, null);
    }

    /** True when the command may change the register (every kind but GET). */
    public boolean isWrite() {
        return kind != Kind.GET;
    }

    /** The register's state after this write takes effect (for UPDATE, once its version condition held). */
    RegisterState written() {
        return switch (kind) {
            case PUT -> RegisterState.present(version, value);
            case UPDATE -> RegisterState.present(version + 1, value);
            case DELETE -> RegisterState.ABSENT;
            case GET -> throw new IllegalStateException("a read writes nothing");
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case GET -> "GET";
            case PUT -> "PUT(v" + version + " " + RegisterState.quote(value) + ")";
            case UPDATE -> "UPDATE(if v" + version + " then v" + (version + 1) + " " + RegisterState.quote(value) + ")";
            case DELETE -> "DELETE";
        };
    }
}
