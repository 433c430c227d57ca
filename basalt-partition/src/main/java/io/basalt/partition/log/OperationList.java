package io.basalt.partition.log;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.WriteBatch;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * The immutable operation list of a {@link PartitionEntry}. A partition leader builds one per write on its hot
 * path, so the builder hands its array over instead of copying it, and the list keeps the byte count group commit
 * needs.
 */
public final class OperationList extends AbstractList<WriteBatch.Operation> implements RandomAccess {
    private static final OperationList EMPTY = new OperationList(new WriteBatch.Operation[0], 0, 0);

    private final WriteBatch.Operation[] operations;
    private final int size;
    private final long approximateBytes;

    private OperationList(WriteBatch.Operation[] operations, int size, long approximateBytes) {
        this.operations = operations;
        this.size = size;
        this.approximateBytes = approximateBytes;
    }

    /** {@code operations} itself when it is an operation list already, else an immutable copy. */
    public static OperationList copyOf(List<WriteBatch.Operation> operations) {
        if (operations instanceof OperationList list) {
            return list;
        }
        Builder builder = new Builder(operations.size());
        operations.forEach(builder::add);
        return builder.build();
    }

    public static Builder builder(int expectedSize) {
        return new Builder(expectedSize);
    }

    @Override
    public WriteBatch.Operation get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        return operations[index];
    }

    @Override
    public int size() {
        return size;
    }

    public long approximateBytes() {
        return approximateBytes;
    }

    /** Collects operations in order; {@link #build} may be called once. Not thread-safe. */
    public static final class Builder {
        private WriteBatch.Operation[] operations;
        private int size;
        private long approximateBytes;

        private Builder(int expectedSize) {
            this.operations = new WriteBatch.Operation[Math.max(4, expectedSize)];
        }

        public Builder add(WriteBatch.Operation operation) {
            requireNonNull(operation, "operation is null");
            if (operations == null) {
                throw new IllegalStateException("already built");
            }
            if (size == operations.length) {
                operations = Arrays.copyOf(operations, size * 2);
            }
            operations[size++] = operation;
            approximateBytes += WriteBatch.approximateBytes(operation);
            return this;
        }

        public Builder put(byte[] key, byte[] value) {
            return add(new WriteBatch.Put(key, value));
        }

        public Builder delete(byte[] key) {
            return add(new WriteBatch.Delete(key));
        }

        public Builder deleteRange(byte[] fromInclusive, byte[] toExclusive) {
            return add(new WriteBatch.DeleteRange(fromInclusive, toExclusive));
        }

        /** The list; the builder can take no more operations afterwards (the list owns its array). */
        public OperationList build() {
            if (operations == null) {
                throw new IllegalStateException("already built");
            }
            OperationList list = size == 0 ? EMPTY : new OperationList(operations, size, approximateBytes);
            operations = null;
            return list;
        }
    }
}
