package io.basalt.cluster;

/**
 * The store was written by a newer Basalt, in a storage format this version cannot read
 * (docs/design/storage-layout.md): nothing was changed, and the node does not open.
 */
public final class UnsupportedStorageFormatException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public UnsupportedStorageFormatException(int storedVersion, int knownVersion) {
        super("The data directory is in storage format version " + storedVersion + ", which this version of Basalt "
                + "(storage format version " + knownVersion + ") cannot read");
    }
}
