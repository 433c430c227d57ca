package io.basalt.cluster;

/**
 * A {@link TableChange} or a DeleteTable expected a version of the table that is no longer current (another change
 * came first, or the table was deleted). Not a client error: the caller reads the table again, repeats its checks
 * and retries.
 */
public final class TableChangedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TableChangedException(String tableName) {
        super("table " + tableName + " changed since it was read", null, false, false);
    }
}
