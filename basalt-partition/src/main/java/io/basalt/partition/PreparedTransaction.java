package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition's record that a transaction is prepared there (stored under {@link KeyLayout#preparedKey}, written
 * through the partition's log): its timestamp, the key of its row in the ledger table (where its decision will be),
 * and each of its writes on this partition with the image it gives the item. The record is all the participant
 * needs to finish the transaction: a commit names only the transaction (docs/design/cluster.md §14; TiKV's commit
 * reads its own locks the same way), so a restart, or in a cluster a new leader, holds the same items and can
 * complete or let go of them once it learns the decision, without the coordinator.
 *
 * <p>Format (version 2): {@code [2][timestamp:8][ledger key: varint length, UTF-8][write count varint]} then per
 * write {@code [item key: varint length, bytes][kind: 0 condition check | 1 put | 2 delete][key attributes: varint
 * length, item codec][image, for a put: varint length, item codec]}. Version 1 ({@code [1][timestamp:8][item count
 * varint]([key length varint][item key])*}, written before step 7) is still read: it names only the held items, so
 * its writes are in the old ledger record ({@link #isLegacy()}).
 */
public record PreparedTransaction(long timestamp, String ledgerKey, List<Write> writes, boolean isLegacy) {
    private static final byte FORMAT_VERSION = 2;
    private static final byte FORMAT_VERSION_KEYS_ONLY = 1;

    /** What a transaction does to one item of this partition. */
    public enum Kind { CHECK, PUT, DELETE }

    /**
     * One held item: its storage key, its key attributes, and what the commit makes of it ({@code image} is the
     * new item for {@link Kind#PUT}, null otherwise).
     */
    public record Write(byte[] itemKey, Kind kind, Item key, Item image) {
        public Write {
            requireNonNull(itemKey, "itemKey is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(key, "key is null");
            if ((kind == Kind.PUT) != (image != null)) {
                throw new IllegalArgumentException("a put has an image, and nothing else does");
            }
        }
    }

    public PreparedTransaction {
        requireNonNull(ledgerKey, "ledgerKey is null");
        writes = List.copyOf(requireNonNull(writes, "writes is null"));
    }

    public PreparedTransaction(long timestamp, String ledgerKey, List<Write> writes) {
        this(timestamp, ledgerKey, writes, false);
    }

    /** The items the transaction holds on this partition. */
    public List<byte[]> itemKeys() {
        List<byte[]> keys = new ArrayList<>(writes.size());
        writes.forEach(write -> keys.add(write.itemKey()));
        return keys;
    }

    public byte[] encode() {
        if (isLegacy) {
            throw new IllegalStateException("a version 1 record is never written again");
        }
        ByteWriter out = new ByteWriter(64 + 64 * writes.size());
        out.writeByte(FORMAT_VERSION);
        out.writeLong(timestamp);
        ItemCodec.writeString(out, ledgerKey);
        out.writeVarInt(writes.size());
        for (Write write : writes) {
            out.writeVarInt(write.itemKey().length);
            out.writeBytes(write.itemKey());
            out.writeByte((byte) write.kind().ordinal());
            writeItem(out, write.key());
            if (write.image() != null) {
                writeItem(out, write.image());
            }
        }
        return out.toByteArray();
    }

    public static PreparedTransaction decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version == FORMAT_VERSION_KEYS_ONLY) {
            long timestamp = in.readLong();
            int count = in.readVarInt();
            List<Write> held = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                held.add(new Write(in.readBytes(in.readVarInt()), Kind.CHECK, Item.EMPTY, null));
            }
            return new PreparedTransaction(timestamp, "", held, true);
        }
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown prepare record format version " + version);
        }
        long timestamp = in.readLong();
        String ledgerKey = ItemCodec.readString(in);
        int count = in.readLength();
        List<Write> writes = new ArrayList<>(count);
        Kind[] kinds = Kind.values();
        for (int i = 0; i < count; i++) {
            byte[] itemKey = in.readBytes(in.readLength());
            int kind = in.readByte();
            if (kind < 0 || kind >= kinds.length) {
                throw new IllegalStateException("unknown prepared write kind " + kind);
            }
            Item key = ItemCodec.decode(in.readBytes(in.readLength()));
            Item image = kinds[kind] == Kind.PUT ? ItemCodec.decode(in.readBytes(in.readLength())) : null;
            writes.add(new Write(itemKey, kinds[kind], key, image));
        }
        return new PreparedTransaction(timestamp, ledgerKey, writes, false);
    }

    private static void writeItem(ByteWriter out, Item item) {
        byte[] encoded = ItemCodec.encode(item);
        out.writeVarInt(encoded.length);
        out.writeBytes(encoded);
    }
}
