package io.basalt.storage;

/**
 * A storage backend failed (I/O error, corruption, native error). Unchecked because callers can rarely do more
 * than fail the request; the backend's own exception is kept as the cause.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
