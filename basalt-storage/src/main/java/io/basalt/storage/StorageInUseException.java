package io.basalt.storage;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The storage directory is held by another open engine, usually another Basalt process serving the same directory:
 * an engine locks its directory for as long as it is open, because two writers would corrupt it.
 */
public final class StorageInUseException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final transient Path lockFile;

    public StorageInUseException(Path directory, Path lockFile, Throwable cause) {
        super("storage directory " + directory + " is in use (locked through " + lockFile + ")", cause);
        this.directory = requireNonNull(directory, "directory is null");
        this.lockFile = requireNonNull(lockFile, "lockFile is null");
    }

    /** The directory that could not be opened. */
    public Path directory() {
        return directory;
    }

    /** The file whose lock the other holder has. */
    public Path lockFile() {
        return lockFile;
    }
}
