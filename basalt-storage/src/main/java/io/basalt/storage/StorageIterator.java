package io.basalt.storage;

/**
 * A cursor over a bounded key range, usable in both directions. Not thread-safe: one owner at a time.
 *
 * <p>Typical use: {@code seek(start)} then {@code while (isValid()) { key(); value(); next(); }}. Keys outside
 * the iterator's bounds are never visible.
 */
public interface StorageIterator extends AutoCloseable {
    /** Positions at the first key greater than or equal to {@code key} (clamped to the bounds). */
    void seek(byte[] key);

    /** Positions at the last key less than or equal to {@code key} (clamped to the bounds). */
    void seekForPrev(byte[] key);

    /** Positions at the first key within the bounds. */
    void seekToFirst();

    /** Positions at the last key within the bounds. */
    void seekToLast();

    boolean isValid();

    /** The current key; a fresh array the caller may keep. Only when {@link #isValid()}. */
    byte[] key();

    /** The current value; a fresh array the caller may keep. Only when {@link #isValid()}. */
    byte[] value();

    void next();

    void prev();

    @Override
    void close();
}
