package io.basalt.storage.memory;

/** A key written at one commit sequence: what the engine's prune queue holds. */
record VersionedKey(byte[] key, long sequence) {
}
