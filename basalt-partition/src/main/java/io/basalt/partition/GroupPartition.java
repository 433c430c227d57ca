package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.util.List;

/**
 * A partition a replication group holds, as the group's own log opened it (docs/design/cluster.md §6.2, step 12):
 * its descriptor and the ids of the local secondary indexes whose entries live with a base-table partition's items
 * (what the state machine's key check needs beside the descriptor). A data group's members apply another log than
 * the metadata group, so this is what lets a member reopen its partitions from its own storage alone, after a
 * restart or a snapshot install.
 *
 * <p>Stored under {@code [0x12][group id:8][partition id:8]} in the group's storage. Format (version 1):
 * {@code [1][descriptor, PartitionDescriptor v1][varint count][varint index id]*}. Never reordered; a change needs
 * a new version that still decodes this one.
 */
public record GroupPartition(PartitionDescriptor descriptor, List<Integer> localIndexIds) {
    private static final byte FORMAT_VERSION = 1;

    public GroupPartition {
        requireNonNull(descriptor, "descriptor is null");
        localIndexIds = List.copyOf(requireNonNull(localIndexIds, "localIndexIds is null"));
        for (int id : localIndexIds) {
            if (id <= KeyLayout.BASE_TABLE_INDEX || id > KeyLayout.MAX_INDEX_ID) {
                throw new IllegalArgumentException("local index id out of range: " + id);
            }
        }
        if (descriptor.indexId() != KeyLayout.BASE_TABLE_INDEX && !localIndexIds.isEmpty()) {
            throw new IllegalArgumentException("a global index partition holds no local index: " + descriptor);
        }
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(64 + 3 * localIndexIds.size());
        write(out);
        return out.toByteArray();
    }

    /** Appends the encoded partition to {@code out} (the log entry codec embeds it). */
    public void write(ByteWriter out) {
        out.writeByte(FORMAT_VERSION);
        descriptor.write(out);
        out.writeVarInt(localIndexIds.size());
        for (int id : localIndexIds) {
            out.writeVarInt(id);
        }
    }

    /** @throws IllegalStateException when {@code bytes} is not one partition of a known format */
    public static GroupPartition decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        GroupPartition partition = read(in);
        if (in.remaining() != 0) {
            throw new IllegalStateException("group partition has " + in.remaining() + " trailing bytes");
        }
        return partition;
    }

    /** Reads one encoded partition from {@code in}. */
    public static GroupPartition read(ByteReader in) {
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown group partition format version " + version);
        }
        PartitionDescriptor descriptor = PartitionDescriptor.read(in);
        int count = in.readVarInt();
        if (count < 0 || count > KeyLayout.MAX_INDEX_ID) {
            throw new IllegalStateException("group partition names " + count + " local indexes");
        }
        Integer[] ids = new Integer[count];
        for (int i = 0; i < count; i++) {
            ids[i] = in.readVarInt();
        }
        try {
            return new GroupPartition(descriptor, List.of(ids));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
