package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;

/**
 * A partition's record ({@code 0x0A}, docs/design/cluster.md §4.1), written in the same atomic batch as every
 * change of its items: what the partition is (its descriptor, so a group's storage alone says which partitions it
 * holds) and its {@link PartitionMetadata} (sequence, item count, size).
 *
 * <p>Format (version 1): {@code [1][descriptor, PartitionDescriptor v1][sequence varint][item count varint][size
 * bytes varint]}. The descriptor does not change between writes, so writers encode it once
 * ({@link #encode(byte[], PartitionMetadata)}).
 */
public record PartitionRecord(PartitionDescriptor descriptor, PartitionMetadata metadata) {
    private static final byte FORMAT_VERSION = 1;

    public PartitionRecord {
        requireNonNull(descriptor, "descriptor is null");
        requireNonNull(metadata, "metadata is null");
    }

    public byte[] encode() {
        return encode(descriptor.encode(), metadata);
    }

    /** The record of the partition whose encoded descriptor is {@code encodedDescriptor}, holding {@code metadata}. */
    public static byte[] encode(byte[] encodedDescriptor, PartitionMetadata metadata) {
        // The version byte and three varints of at most 9 bytes: the value never outgrows its buffer.
        ByteWriter out = new ByteWriter(encodedDescriptor.length + 28);
        out.writeByte(FORMAT_VERSION);
        out.writeBytes(encodedDescriptor);
        out.writeVarLong(metadata.appliedIndex());
        out.writeVarLong(metadata.itemCount());
        out.writeVarLong(metadata.sizeBytes());
        return out.toByteArray();
    }

    public static PartitionRecord decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown partition record format version " + version);
        }
        PartitionDescriptor descriptor = PartitionDescriptor.read(in);
        PartitionMetadata metadata = new PartitionMetadata(in.readVarLong(), in.readVarLong(), in.readVarLong());
        if (in.remaining() != 0) {
            throw new IllegalStateException("partition record has " + in.remaining() + " trailing bytes");
        }
        return new PartitionRecord(descriptor, metadata);
    }

    /** The metadata a stored record holds: {@link PartitionMetadata#EMPTY} when there is none yet. */
    public static PartitionMetadata metadataOf(byte[] bytes) {
        return bytes == null ? PartitionMetadata.EMPTY : decode(bytes).metadata();
    }
}
