package io.basalt.storage.memory;

/** Whether the engine is still open, shared with its snapshots and iterators so they fail after close. */
final class OpenState {
    private volatile boolean closed;

    void markClosed() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("storage engine is closed");
        }
    }
}
