package io.basalt.cluster.rpc;

import io.basalt.cluster.IndexLag;
import io.basalt.cluster.TableStatistics;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The payloads of {@code NODE_FIGURES} frames: requests as {@link RpcCodec}'s table shows them, and the OK answers
 * ({@link RpcResponseCodec} calls it):
 * <pre>
 *   statistics read:  varint count, (u8 0 unread | u8 1, varlong item count, varlong size bytes) each
 *   index lag read:   varlong pending changes, varlong age millis, u8 backfilled
 *   propagation set:  empty
 *   propagation read: u8 0 nothing set | u8 1, then a propagation set's fields (u8 synchronous, varlong delay ms,
 *                     varlong set-at millis, varint set-by node)
 * </pre>
 * THE LAYOUT IS A PROTOCOL (see {@link RpcCodec}).
 */
final class FiguresCodec {
    /** The shapes of a NODE_FIGURES request. */
    private static final int STATISTICS = 1;
    private static final int INDEX_LAG = 2;
    private static final int PROPAGATION = 3;
    private static final int PROPAGATION_READ = 4;

    private FiguresCodec() {
    }

    static void writeRequest(ByteWriter out, RpcRequest request) {
        if (request instanceof RpcRequest.StatisticsRead read) {
            out.writeByte(STATISTICS);
            out.writeVarInt(read.keys().size());
            for (RpcRequest.StatisticsKey key : read.keys()) {
                out.writeLong(key.groupId());
                out.writeLong(key.tableId());
                RpcCodec.writePartition(out, key.partition());
                out.writeVarInt(key.indexId());
            }
        } else if (request instanceof RpcRequest.IndexLagRead read) {
            out.writeByte(INDEX_LAG);
            out.writeLong(read.tableId());
            out.writeVarInt(read.indexId());
        } else if (request instanceof RpcRequest.PropagationSet set) {
            out.writeByte(PROPAGATION);
            writeSetting(out, set);
        } else {
            out.writeByte(PROPAGATION_READ);
        }
    }

    private static void writeSetting(ByteWriter out, RpcRequest.PropagationSet set) {
        out.writeByte(set.synchronous() ? 1 : 0);
        out.writeVarLong(set.delayMillis());
        out.writeVarLong(set.setAtMillis());
        out.writeVarInt(set.setBy());
    }

    private static RpcRequest.PropagationSet readSetting(ByteReader in) {
        return new RpcRequest.PropagationSet(RpcCodec.readBoolean(in), in.readVarLong(), in.readVarLong(),
                in.readVarInt());
    }

    static RpcRequest readRequest(ByteReader in) {
        int shape = in.readUnsignedByte();
        try {
            if (shape == STATISTICS) {
                int count = in.readLength();
                List<RpcRequest.StatisticsKey> keys = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    keys.add(new RpcRequest.StatisticsKey(in.readLong(), in.readLong(), RpcCodec.readPartition(in),
                            in.readVarInt()));
                }
                return new RpcRequest.StatisticsRead(keys);
            }
            if (shape == INDEX_LAG) {
                return new RpcRequest.IndexLagRead(in.readLong(), in.readVarInt());
            }
            if (shape == PROPAGATION) {
                return readSetting(in);
            }
            if (shape == PROPAGATION_READ) {
                return new RpcRequest.PropagationRead();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid figures request: " + e.getMessage(), e);
        }
        throw new IllegalStateException("unknown figures shape " + shape);
    }

    /** Whether {@code request} is one of the {@code NODE_FIGURES} shapes. */
    static boolean isFigures(RpcRequest request) {
        return request instanceof RpcRequest.StatisticsRead || request instanceof RpcRequest.IndexLagRead
                || request instanceof RpcRequest.PropagationSet || request instanceof RpcRequest.PropagationRead;
    }

    @SuppressWarnings("unchecked")
    static void writeOk(ByteWriter out, RpcRequest answered, Object value) {
        if (answered instanceof RpcRequest.StatisticsRead) {
            List<TableStatistics> statistics = (List<TableStatistics>) value;
            out.writeVarInt(statistics.size());
            for (TableStatistics one : statistics) {
                if (one == null) {
                    out.writeByte(0);
                } else {
                    out.writeByte(1);
                    out.writeVarLong(one.itemCount());
                    out.writeVarLong(one.sizeBytes());
                }
            }
        } else if (answered instanceof RpcRequest.IndexLagRead) {
            IndexLag lag = (IndexLag) value;
            out.writeVarLong(lag.pendingChanges());
            out.writeVarLong(lag.ageMillis());
            out.writeByte(lag.backfilled() ? 1 : 0);
        } else if (answered instanceof RpcRequest.PropagationRead) {
            if (value == null) {
                out.writeByte(0);
            } else {
                out.writeByte(1);
                writeSetting(out, (RpcRequest.PropagationSet) value);
            }
        }
        // A propagation set answers with nothing.
    }

    static Object readOk(ByteReader in, RpcRequest answered) {
        if (answered instanceof RpcRequest.StatisticsRead) {
            int count = in.readLength();
            List<TableStatistics> statistics = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                statistics.add(RpcCodec.readBoolean(in) ? new TableStatistics(in.readVarLong(), in.readVarLong())
                        : null);
            }
            return statistics;
        }
        if (answered instanceof RpcRequest.IndexLagRead) {
            return new IndexLag(in.readVarLong(), in.readVarLong(), RpcCodec.readBoolean(in));
        }
        if (answered instanceof RpcRequest.PropagationRead) {
            return RpcCodec.readBoolean(in) ? readSetting(in) : null;
        }
        return null;
    }
}
