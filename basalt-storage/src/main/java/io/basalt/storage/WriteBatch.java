package io.basalt.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of puts, deletes and range deletes to apply atomically. Later operations on the same key win.
 * Not thread-safe; engines read it only during {@link StorageEngine#write}.
 */
public final class WriteBatch {
    /** One operation of the batch. */
    public sealed interface Operation {
    }

    public record Put(byte[] key, byte[] value) implements Operation {
        public Put {
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
        }
    }

    public record Delete(byte[] key) implements Operation {
        public Delete {
            requireNonNull(key, "key is null");
        }
    }

    /** Deletes every key in {@code [fromInclusive, toExclusive)}. */
    public record DeleteRange(byte[] fromInclusive, byte[] toExclusive) implements Operation {
        public DeleteRange {
            requireNonNull(fromInclusive, "fromInclusive is null");
            requireNonNull(toExclusive, "toExclusive is null");
        }
    }

    private final List<Operation> operations;
    private long approximateBytes;

    public WriteBatch() {
        this.operations = new ArrayList<>();
    }

    /** An empty batch with room for {@code expectedOperations} before it grows. */
    public WriteBatch(int expectedOperations) {
        this.operations = new ArrayList<>(expectedOperations);
    }

    public WriteBatch put(byte[] key, byte[] value) {
        operations.add(new Put(key, value));
        approximateBytes += key.length + value.length;
        return this;
    }

    public WriteBatch delete(byte[] key) {
        operations.add(new Delete(key));
        approximateBytes += key.length;
        return this;
    }

    public WriteBatch deleteRange(byte[] fromInclusive, byte[] toExclusive) {
        operations.add(new DeleteRange(fromInclusive, toExclusive));
        approximateBytes += fromInclusive.length + toExclusive.length;
        return this;
    }

    /** Appends one operation (already built, e.g. by a log entry) without copying it. */
    public WriteBatch add(Operation operation) {
        operations.add(requireNonNull(operation, "operation is null"));
        approximateBytes += approximateBytes(operation);
        return this;
    }

    /** The key and value bytes {@code operation} carries, as {@link #approximateBytes()} counts them. */
    public static long approximateBytes(Operation operation) {
        if (operation instanceof Put put) {
            return put.key().length + put.value().length;
        }
        if (operation instanceof Delete delete) {
            return delete.key().length;
        }
        DeleteRange range = (DeleteRange) operation;
        return range.fromInclusive().length + range.toExclusive().length;
    }

    /** Appends every operation of {@code other}, in order. */
    public WriteBatch addAll(WriteBatch other) {
        operations.addAll(other.operations);
        approximateBytes += other.approximateBytes;
        return this;
    }

    /** Empties the batch for reuse once an engine has written it (engines keep no reference to a batch). */
    public WriteBatch clear() {
        operations.clear();
        approximateBytes = 0;
        return this;
    }

    public List<Operation> operations() {
        return operations;
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    public int size() {
        return operations.size();
    }

    public long approximateBytes() {
        return approximateBytes;
    }
}
