package io.basalt.partition.read;

import static java.util.Objects.requireNonNull;

/**
 * What a Query or Scan reads: a table's items, or the entries of one of its local or global secondary indexes.
 *
 * @param kind which of the three
 * @param indexId the index's id (0, the base table's, for {@link Kind#BASE})
 */
public record ReadSource(Kind kind, int indexId) {
    /** A table's own items. */
    public static final ReadSource BASE = new ReadSource(Kind.BASE, 0);

    /** The kinds of source. */
    public enum Kind {
        BASE,
        LOCAL_INDEX,
        GLOBAL_INDEX
    }

    public ReadSource {
        requireNonNull(kind, "kind is null");
        if ((kind == Kind.BASE) != (indexId == 0)) {
            throw new IllegalArgumentException("index id " + indexId + " does not fit a " + kind + " read");
        }
    }

    /** The entries of index {@code indexId}, local or global. */
    public static ReadSource index(int indexId, boolean global) {
        return new ReadSource(global ? Kind.GLOBAL_INDEX : Kind.LOCAL_INDEX, indexId);
    }
}
