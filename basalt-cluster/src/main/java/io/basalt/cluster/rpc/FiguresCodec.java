package io.basalt.cluster.rpc;

import io.basalt.cluster.IndexLag;
import io.basalt.cluster.TableStatistics;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The OK payloads of {@code NODE_FIGURES} answers ({@link RpcResponseCodec} calls it):
 * <pre>
 *   statistics read:  varint count, (u8 0 unread | u8 1, varlong item count, varlong size bytes) each
 *   index lag read:   varlong pending changes, varlong age millis, u8 backfilled
 *   propagation set:  empty
 * </pre>
 * THE LAYOUT IS A PROTOCOL (see {@link RpcCodec}).
 */
final class FiguresCodec {
    private FiguresCodec() {
    }

    /** Whether {@code request} is one of the {@code NODE_FIGURES} shapes. */
    static boolean isFigures(RpcRequest request) {
        return request instanceof RpcRequest.StatisticsRead || request instanceof RpcRequest.IndexLagRead
                || request instanceof RpcRequest.PropagationSet;
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
        return null;
    }
}
