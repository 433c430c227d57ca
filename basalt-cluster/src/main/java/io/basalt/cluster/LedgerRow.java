package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValue;
import io.basalt.model.Bytes;
import io.basalt.model.Item;
import io.basalt.partition.PartitionId;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transaction's row in the ledger table ({@link InternalTables#LEDGER}, docs/design/cluster.md §14): its decision
 * and, with a ClientRequestToken, the token's memory. The row is an ordinary item, written by conditional puts
 * through the write path, so the ledger partition's log orders a coordinator's decision against the resolver's.
 *
 * <p>Attributes: {@code id} (S, the key: {@code tok:} + the token, or {@code txn:} + the transaction id),
 * {@code state} (S: PENDING, COMMITTED, CANCELLED), {@code txn} (S, the transaction id in decimal: conditions
 * compare it, so that a row taken over by a later transaction of the same token is never decided by an earlier
 * one) and {@code data} (B): {@code [1][fingerprint: 0 | 1 + string][token expiry millis:8][coordinator deadline
 * millis:8][participant count varint][partition id varlong]*[size count varint]([old size varlong][new size
 * varlong])*}.
 *
 * @param fingerprint the request's fingerprint (tokens only), else null
 * @param expires when the token stops answering (epoch millis; 0 without a token)
 * @param deadline until when a PENDING row's coordinator may still decide (epoch millis)
 * @param participants the partitions that hold prepare records until the commits are applied (empty once done)
 * @param oldSizes per action of the request, the item's size before (the first response's capacity, replayed)
 * @param newSizes per action, the item's size after
 */
record LedgerRow(String key, State state, long transaction, String fingerprint, long expires, long deadline,
        List<PartitionId> participants, long[] oldSizes, long[] newSizes) {
    static final String KEY = "id";
    static final String STATE = "state";
    static final String TRANSACTION = "txn";
    private static final String DATA = "data";
    private static final byte FORMAT_VERSION = 1;

    /** Where a transaction stands. */
    enum State { PENDING, COMMITTED, CANCELLED }

    LedgerRow {
        requireNonNull(key, "key is null");
        requireNonNull(state, "state is null");
        participants = List.copyOf(participants);
        requireNonNull(oldSizes, "oldSizes is null");
        requireNonNull(newSizes, "newSizes is null");
        if (oldSizes.length != newSizes.length) {
            throw new IllegalArgumentException("one old and one new size per action");
        }
    }

    /** The ledger key of a transaction: its token's, or its own id's. */
    static String keyOf(String clientRequestToken, long transaction) {
        return clientRequestToken != null ? "tok:" + clientRequestToken : "txn:" + transaction;
    }

    LedgerRow with(State newState, List<PartitionId> newParticipants) {
        return new LedgerRow(key, newState, transaction, fingerprint, expires, deadline, newParticipants, oldSizes,
                newSizes);
    }

    Item toItem() {
        ByteWriter out = new ByteWriter(64 + 10 * participants.size() + 20 * oldSizes.length);
        out.writeByte(FORMAT_VERSION);
        if (fingerprint == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            ItemCodec.writeString(out, fingerprint);
        }
        out.writeLong(expires);
        out.writeLong(deadline);
        out.writeVarInt(participants.size());
        participants.forEach(partition -> out.writeVarLong(partition.value()));
        out.writeVarInt(oldSizes.length);
        for (int i = 0; i < oldSizes.length; i++) {
            out.writeVarLong(oldSizes[i]);
            out.writeVarLong(newSizes[i]);
        }
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(KEY, new AttributeValue.StringValue(key));
        attributes.put(STATE, new AttributeValue.StringValue(state.name()));
        attributes.put(TRANSACTION, new AttributeValue.StringValue(Long.toString(transaction)));
        attributes.put(DATA, new AttributeValue.BinaryValue(Bytes.wrap(out.toByteArray())));
        return new Item(attributes);
    }

    static LedgerRow fromItem(Item item) {
        String key = ((AttributeValue.StringValue) item.get(KEY)).value();
        State state = State.valueOf(((AttributeValue.StringValue) item.get(STATE)).value());
        long transaction = Long.parseLong(((AttributeValue.StringValue) item.get(TRANSACTION)).value());
        ByteReader in = new ByteReader(((AttributeValue.BinaryValue) item.get(DATA)).value().unsafeArray());
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown ledger row format version " + version);
        }
        String fingerprint = in.readByte() == 0 ? null : ItemCodec.readString(in);
        long expires = in.readLong();
        long deadline = in.readLong();
        int count = in.readLength();
        List<PartitionId> participants = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            participants.add(new PartitionId(in.readVarLong()));
        }
        int sizes = in.readLength();
        long[] oldSizes = new long[sizes];
        long[] newSizes = new long[sizes];
        for (int i = 0; i < sizes; i++) {
            oldSizes[i] = in.readVarLong();
            newSizes[i] = in.readVarLong();
        }
        return new LedgerRow(key, state, transaction, fingerprint, expires, deadline, participants, oldSizes,
                newSizes);
    }
}
