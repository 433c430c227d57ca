package io.basalt.cluster;

import io.basalt.model.Item;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The commit decision of a transaction, stored durably before any of its writes is applied: every item it writes
 * and the image it gives it. A restart applies the record again (each write makes the item exactly its image, so
 * writes already applied change nothing), which makes a transaction interrupted between its partitions' commits
 * all-or-nothing.
 *
 * <p>Format (version 2): {@code [2][write count varint]} then per write {@code [table id:8][item key: varint length,
 * bytes][key attributes: varint length, item codec][0 | 1 + varint length, item codec of the new image]}. Version 1
 * (still read) had a partition ordinal after the table id; recovery finds an item's partition by its key's hash, so
 * version 2, written since partitions have stable ids (docs/design/cluster.md §4), leaves it out.
 */
record TransactionRecord(List<Write> writes) {
    private static final byte FORMAT_VERSION = 2;
    private static final byte FORMAT_VERSION_WITH_ORDINALS = 1;

    /** One write: the item's storage key and key attributes, and its image after (null: deleted). */
    record Write(long tableId, byte[] itemKey, Item key, Item image) {
    }

    TransactionRecord {
        writes = List.copyOf(writes);
    }

    byte[] encode() {
        ByteWriter out = new ByteWriter(256);
        out.writeByte(FORMAT_VERSION);
        out.writeVarInt(writes.size());
        for (Write write : writes) {
            out.writeLong(write.tableId());
            out.writeVarInt(write.itemKey().length);
            out.writeBytes(write.itemKey());
            writeItem(out, write.key());
            if (write.image() == null) {
                out.writeByte(0);
            } else {
                out.writeByte(1);
                writeItem(out, write.image());
            }
        }
        return out.toByteArray();
    }

    static TransactionRecord decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITH_ORDINALS) {
            throw new IllegalStateException("unknown transaction record format version " + version);
        }
        int count = in.readLength();
        List<Write> writes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long tableId = in.readLong();
            if (version == FORMAT_VERSION_WITH_ORDINALS) {
                in.readVarInt();
            }
            byte[] itemKey = in.readBytes(in.readLength());
            Item key = ItemCodec.decode(in.readBytes(in.readLength()));
            Item image = in.readByte() == 0 ? null : ItemCodec.decode(in.readBytes(in.readLength()));
            writes.add(new Write(tableId, itemKey, key, image));
        }
        return new TransactionRecord(writes);
    }

    private static void writeItem(ByteWriter out, Item item) {
        byte[] encoded = ItemCodec.encode(item);
        out.writeVarInt(encoded.length);
        out.writeBytes(encoded);
    }
}
