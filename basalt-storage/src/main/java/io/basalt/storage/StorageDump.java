package io.basalt.storage;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;

/**
 * A sorted key/value dump of a storage view: the in-memory engine's checkpoint (docs/design/cluster.md §6.4), so
 * that Raft groups can also run in memory. Format version 1, one file:
 *
 * <pre>
 * u32 magic "BSD1", then per key in unsigned byte order: u32 key length, key, u32 value length, value;
 * then u32 0xFFFFFFFF (the end marker, so a truncated dump is detected)
 * </pre>
 */
public final class StorageDump {
    /** The dump's file name inside a checkpoint directory. */
    public static final String FILE_NAME = "dump.bsd";

    private static final int MAGIC = 0x42534431;
    private static final int END = -1;

    private StorageDump() {
    }

    /** Writes every key of {@code snapshot} to {@code directory}/{@value #FILE_NAME} and fsyncs it. */
    public static void write(StorageSnapshot snapshot, Path directory) {
        requireNonNull(snapshot, "snapshot is null");
        requireNonNull(directory, "directory is null");
        if (Files.exists(directory)) {
            throw new StorageException("checkpoint directory already exists: " + directory);
        }
        Path file = directory.resolve(FILE_NAME);
        try {
            Files.createDirectories(directory);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel),
                        1 << 16));
                out.writeInt(MAGIC);
                try (StorageIterator iterator = snapshot.iterator(null, null)) {
                    for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                        byte[] key = iterator.key();
                        byte[] value = iterator.value();
                        out.writeInt(key.length);
                        out.write(key);
                        out.writeInt(value.length);
                        out.write(value);
                    }
                }
                out.writeInt(END);
                out.flush();
                channel.force(true);
            }
            // The file's directory entry too, so the dump survives a machine crash once this returns.
            try (FileChannel directoryChannel = FileChannel.open(directory, StandardOpenOption.READ)) {
                directoryChannel.force(true);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write a storage dump to " + directory, e);
        }
    }

    /**
     * Reads the dump in {@code directory}, handing each pair to {@code sink} in key order.
     *
     * @throws StorageException when the dump is missing, truncated or not a dump
     */
    public static void read(Path directory, BiConsumer<byte[], byte[]> sink) {
        requireNonNull(sink, "sink is null");
        Path file = requireNonNull(directory, "directory is null").resolve(FILE_NAME);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new StorageException("not a storage dump: " + file);
            }
            while (true) {
                int keyLength = in.readInt();
                if (keyLength == END) {
                    return;
                }
                byte[] key = in.readNBytes(keyLength);
                int valueLength = in.readInt();
                byte[] value = in.readNBytes(valueLength);
                if (key.length != keyLength || value.length != valueLength) {
                    throw new EOFException();
                }
                sink.accept(key, value);
            }
        } catch (IOException e) {
            throw new StorageException("cannot read the storage dump " + file + " (missing or truncated)", e);
        }
    }
}
