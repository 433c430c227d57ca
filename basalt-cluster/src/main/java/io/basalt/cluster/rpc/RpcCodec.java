package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.MetaCommandCodec;
import io.basalt.cluster.PartitionClient;
import io.basalt.cluster.node.MembershipCodec;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
import io.basalt.partition.codec.GlobalIndexCodec;
import io.basalt.partition.codec.OperationCodec;
import io.basalt.partition.codec.ReadCodec;
import io.basalt.partition.codec.ReadPlanCodec;
import io.basalt.partition.codec.WriteResultCodec;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.replication.raft.RaftPeerAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads the frames of the internal RPC (docs/design/cluster.md §12.2):
 * <pre>
 *   u32 length (of what follows), u8 protocol version (1), u8 kind ({@link RpcKind}), u64 request id,
 *   u32 deadline millis (0 in responses), payload
 * </pre>
 * Request payloads (a partition id is {@link #writePartition}'s form; keys and stored items are a varint length
 * and the bytes; operations are {@link OperationCodec}'s form, read plans {@link ReadPlanCodec}'s, results
 * {@link ReadCodec}'s, written results and staged writes {@link WriteResultCodec}'s):
 * <pre>
 *   WRITE           partition, varlong map version, u8 return images, item key, operation
 *   READ            partition, u8 1 POINT, u8 consistent, item key | u8 3 PAGE, read plan
 *                   (shape 2, a page as a bare read spec, is retired: no build served it, and it is refused)
 *   BATCH_WRITE     varint count, WRITE payload each
 *   BATCH_READ      varint count, (partition, u8 consistent, varint count, item key each) each
 *   TXN_PREPARE     partition, u64 transaction, u64 timestamp, string ledger key, varint count, (item key,
 *                   operation) each
 *   TXN_COMMIT      partition, u64 transaction, u64 timestamp
 *   TXN_RELEASE     partition, u64 transaction, varint count, item key each
 *   TXN_READ_ROUND  partition, varint count, item key each
 *   TXN_VALIDATE    partition, varlong watch id
 *   GSI_APPLY       index partition, batch ({@link GlobalIndexCodec})
 *   META_COMMAND    varint length, command ({@link MetaCommandCodec})
 *   NODE_JOIN       string host, varint API port, varint RPC port, varint Ratis port
 *   GROUP_MEMBER_ADD     u64 group, varint count, (string peer id, string Ratis address, varint priority) each,
 *                        varint listener count, (string peer id, string Ratis address) each
 *   GROUP_MEMBER_REMOVE  u64 group
 *   NODE_HEARTBEAT  varint node id, varint count, u64 led group each
 *   PING            (empty)
 *   NODE_FIGURES    u8 1 STATISTICS, varint count, (u64 group, u64 table, partition, varint index id) each
 *                   | u8 2 INDEX_LAG, u64 table, varint index id | u8 3 PROPAGATION, u8 synchronous, varlong delay ms,
 *                   varlong set-at millis, varint set-by node | u8 4 PROPAGATION_READ (empty)
 * </pre>
 * Response payloads are in {@link RpcResponseCodec}. Decoding is strict: the length must match the bytes, every
 * byte must be used, unknown versions, kinds, tags and reserved kinds are refused, and frames above
 * {@link #MAX_FRAME_BYTES} are refused; every such failure is an {@link IllegalStateException}. THE LAYOUT IS A
 * PROTOCOL: a change needs a new protocol version.
 */
public final class RpcCodec {
    /** The protocol version this build writes and reads. */
    public static final int VERSION = 1;
    /** Frames above this are refused (§12.2). */
    public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;
    /** Length, version, kind, request id, deadline. */
    static final int HEADER_BYTES = 4 + 1 + 1 + 8 + 4;

    private static final int POINT = 1;
    /**
     * Retired: a page as a bare {@code ReadSpec}, which the serving node would have had to plan against its own
     * catalog. No build ever served it (step 10 refused it); never reuse the tag.
     */
    private static final int RETIRED_SPEC_PAGE = 2;
    /** A page as a {@code ReadPlan} cut to the partition (cluster.md §20, step 12 page reads). */
    private static final int PAGE = 3;

    private RpcCodec() {
    }

    /** A decoded frame: its header's request id and deadline, and its content. */
    public record Frame<T>(long requestId, int deadlineMillis, T content) {
        public Frame {
            requireNonNull(content, "content is null");
        }
    }

    public static byte[] encodeRequest(long requestId, int deadlineMillis, RpcRequest request) {
        requireNonNull(request, "request is null");
        ByteWriter out = startFrame(request.kind(), requestId, deadlineMillis);
        writeRequest(out, request);
        return finishFrame(out);
    }

    /** @throws IllegalStateException when the frame is corrupt, truncated, too long, newer or of a reserved kind */
    public static Frame<RpcRequest> decodeRequest(byte[] frame) {
        return decode(frame, (kind, in) -> {
            if (kind.isResponse()) {
                throw new IllegalStateException("a " + kind + " frame where a request was expected");
            }
            return readRequest(kind, in);
        });
    }

    /** The frame answering {@code answered}, whose request id it carries. */
    public static byte[] encodeResponse(long requestId, RpcRequest answered, RpcResponse response) {
        requireNonNull(answered, "answered is null");
        requireNonNull(response, "response is null");
        ByteWriter out = startFrame(response.kind(), requestId, 0);
        RpcResponseCodec.write(out, answered, response);
        return finishFrame(out);
    }

    /**
     * Reads the answer to {@code answered}.
     *
     * @throws IllegalStateException when the frame is corrupt, truncated, too long or not a response
     */
    public static Frame<RpcResponse> decodeResponse(byte[] frame, RpcRequest answered) {
        requireNonNull(answered, "answered is null");
        return decode(frame, (kind, in) -> {
            if (!kind.isResponse()) {
                throw new IllegalStateException("a " + kind + " frame where a response was expected");
            }
            return RpcResponseCodec.read(kind, in, answered);
        });
    }

    // ---- partition ids: the one place that knows their form ----

    /** A partition id: its stable 64-bit value (docs/design/cluster.md §4.1), a varlong. */
    public static void writePartition(ByteWriter out, PartitionId partition) {
        out.writeVarLong(partition.value());
    }

    public static PartitionId readPartition(ByteReader in) {
        long value = in.readVarLong();
        if (value < 1) {
            throw new IllegalStateException("partition id out of range: " + value);
        }
        return new PartitionId(value);
    }

    // ---- frames ----

    private interface ContentReader<T> {
        T read(RpcKind kind, ByteReader in);
    }

    private static ByteWriter startFrame(RpcKind kind, long requestId, int deadlineMillis) {
        if (!kind.defined()) {
            throw new IllegalArgumentException(kind + " frames are reserved: their content is not defined yet");
        }
        ByteWriter out = new ByteWriter(256);
        out.writeInt(0);
        out.writeByte(VERSION);
        out.writeByte(kind.tag());
        out.writeLong(requestId);
        out.writeInt(deadlineMillis);
        return out;
    }

    private static byte[] finishFrame(ByteWriter out) {
        byte[] frame = out.toByteArray();
        int length = frame.length - 4;
        if (frame.length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes exceeds " + MAX_FRAME_BYTES);
        }
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        return frame;
    }

    private static <T> Frame<T> decode(byte[] frame, ContentReader<T> content) {
        requireNonNull(frame, "frame is null");
        try {
            ByteReader in = new ByteReader(frame);
            long length = readInt(in) & 0xFFFFFFFFL;
            if (length + 4 > MAX_FRAME_BYTES) {
                throw new IllegalStateException("frame of " + (length + 4) + " bytes exceeds " + MAX_FRAME_BYTES);
            }
            if (length != in.remaining()) {
                throw new IllegalStateException("frame says " + length + " bytes follow, " + in.remaining() + " do");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("frame of protocol version " + version + "; this build speaks "
                        + VERSION);
            }
            RpcKind kind = RpcKind.ofTag(in.readUnsignedByte());
            if (!kind.defined()) {
                throw new IllegalStateException(kind + " frames are reserved: their content is not defined yet");
            }
            long requestId = in.readLong();
            int deadlineMillis = readInt(in);
            T read = content.read(kind, in);
            if (in.remaining() != 0) {
                throw new IllegalStateException(in.remaining() + " unexpected bytes after a " + kind + " frame");
            }
            return new Frame<>(requestId, deadlineMillis, read);
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            // A decoded value refused its content (a record's invariant): the frame is corrupt.
            throw new IllegalStateException("corrupt frame: " + e, e);
        }
    }

    static int readInt(ByteReader in) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | in.readUnsignedByte();
        }
        return value;
    }

    // ---- request payloads ----

    private static void writeRequest(ByteWriter out, RpcRequest request) {
        if (request instanceof RpcRequest.Write write) {
            writeWrite(out, write);
        } else if (request instanceof RpcRequest.PointRead read) {
            writePartition(out, read.partition());
            out.writeByte(POINT);
            out.writeByte(read.consistent() ? 1 : 0);
            ReadCodec.writeStored(out, read.itemKey());
        } else if (request instanceof RpcRequest.PageRead read) {
            writePartition(out, read.partition());
            out.writeByte(PAGE);
            ReadPlanCodec.writePlan(out, read.plan());
        } else if (request instanceof RpcRequest.BatchWrite batch) {
            out.writeVarInt(batch.writes().size());
            batch.writes().forEach(write -> writeWrite(out, write));
        } else if (request instanceof RpcRequest.BatchRead batch) {
            out.writeVarInt(batch.groups().size());
            for (PartitionClient.KeyGroup group : batch.groups()) {
                writePartition(out, group.partition());
                out.writeByte(group.consistent() ? 1 : 0);
                writeKeys(out, group.itemKeys());
            }
        } else if (request instanceof RpcRequest.Prepare prepare) {
            writePartition(out, prepare.partition());
            out.writeLong(prepare.transaction());
            out.writeLong(prepare.timestamp());
            ItemCodec.writeString(out, prepare.ledgerKey());
            out.writeVarInt(prepare.itemKeys().size());
            for (int i = 0; i < prepare.itemKeys().size(); i++) {
                ReadCodec.writeStored(out, prepare.itemKeys().get(i));
                OperationCodec.encode(out, prepare.operations().get(i));
            }
        } else if (request instanceof RpcRequest.Commit commit) {
            writePartition(out, commit.partition());
            out.writeLong(commit.transaction());
            out.writeLong(commit.timestamp());
        } else if (request instanceof RpcRequest.Release release) {
            writePartition(out, release.partition());
            out.writeLong(release.transaction());
            writeKeys(out, release.itemKeys());
        } else if (request instanceof RpcRequest.ReadRound round) {
            writePartition(out, round.partition());
            writeKeys(out, round.itemKeys());
        } else if (request instanceof RpcRequest.Validate validate) {
            writePartition(out, validate.partition());
            out.writeVarLong(validate.watch());
        } else if (request instanceof RpcRequest.GlobalIndexApply apply) {
            writePartition(out, apply.indexPartition());
            GlobalIndexCodec.writeBatch(out, apply.batch());
        } else if (request instanceof RpcRequest.MetaCommandCall call) {
            ReadCodec.writeStored(out, MetaCommandCodec.encode(call.command()));
        } else if (request instanceof RpcRequest.GroupMemberAdd add) {
            out.writeLong(add.groupId());
            out.writeVarInt(add.peers().size());
            for (RaftPeerAddress peer : add.peers()) {
                MembershipCodec.writeString(out, peer.id());
                MembershipCodec.writeString(out, peer.address());
                out.writeVarInt(peer.priority());
            }
            out.writeVarInt(add.listeners().size());
            for (RaftPeerAddress listener : add.listeners()) {
                MembershipCodec.writeString(out, listener.id());
                MembershipCodec.writeString(out, listener.address());
            }
        } else if (request instanceof RpcRequest.GroupMemberRemove remove) {
            out.writeLong(remove.groupId());
        } else if (request instanceof RpcRequest.NodeJoin join) {
            MembershipCodec.writeString(out, join.host());
            out.writeVarInt(join.apiPort());
            out.writeVarInt(join.rpcPort());
            out.writeVarInt(join.raftPort());
        } else if (request instanceof RpcRequest.NodeHeartbeat heartbeat) {
            out.writeVarInt(heartbeat.nodeId());
            out.writeVarInt(heartbeat.ledGroups().size());
            heartbeat.ledGroups().forEach(out::writeLong);
        } else if (FiguresCodec.isFigures(request)) {
            FiguresCodec.writeRequest(out, request);
        } else if (!(request instanceof RpcRequest.Ping)) {
            throw new AssertionError("RpcRequest is sealed: " + request.getClass());
        }
    }

    private static RpcRequest readRequest(RpcKind kind, ByteReader in) {
        return switch (kind) {
            case WRITE -> readWrite(in);
            case READ -> {
                PartitionId partition = readPartition(in);
                int shape = in.readUnsignedByte();
                if (shape == POINT) {
                    boolean consistent = readBoolean(in);
                    yield new RpcRequest.PointRead(partition, ReadCodec.readStored(in), consistent);
                }
                if (shape == PAGE) {
                    yield new RpcRequest.PageRead(partition, ReadPlanCodec.readPlan(in));
                }
                if (shape == RETIRED_SPEC_PAGE) {
                    throw new IllegalStateException("read shape " + shape + " (a page as a bare spec) is retired");
                }
                throw new IllegalStateException("unknown read shape " + shape);
            }
            case BATCH_WRITE -> {
                int count = in.readLength();
                List<RpcRequest.Write> writes = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    writes.add(readWrite(in));
                }
                yield new RpcRequest.BatchWrite(writes);
            }
            case BATCH_READ -> {
                int count = in.readLength();
                List<PartitionClient.KeyGroup> groups = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    PartitionId partition = readPartition(in);
                    boolean consistent = readBoolean(in);
                    groups.add(new PartitionClient.KeyGroup(partition, readKeys(in), consistent));
                }
                yield new RpcRequest.BatchRead(groups);
            }
            case TXN_PREPARE -> {
                PartitionId partition = readPartition(in);
                long transaction = in.readLong();
                long timestamp = in.readLong();
                String ledgerKey = ItemCodec.readString(in);
                int count = in.readLength();
                List<byte[]> keys = new ArrayList<>(count);
                List<ItemOperation> operations = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    keys.add(ReadCodec.readStored(in));
                    operations.add(OperationCodec.decode(in));
                }
                yield new RpcRequest.Prepare(partition, transaction, timestamp, ledgerKey, keys, operations);
            }
            case TXN_COMMIT -> {
                PartitionId partition = readPartition(in);
                long transaction = in.readLong();
                long timestamp = in.readLong();
                yield new RpcRequest.Commit(partition, transaction, timestamp);
            }
            case TXN_RELEASE -> {
                PartitionId partition = readPartition(in);
                long transaction = in.readLong();
                yield new RpcRequest.Release(partition, transaction, readKeys(in));
            }
            case TXN_READ_ROUND -> {
                PartitionId partition = readPartition(in);
                yield new RpcRequest.ReadRound(partition, readKeys(in));
            }
            case TXN_VALIDATE -> {
                PartitionId partition = readPartition(in);
                yield new RpcRequest.Validate(partition, in.readVarLong());
            }
            case GSI_APPLY -> {
                PartitionId partition = readPartition(in);
                yield new RpcRequest.GlobalIndexApply(partition, GlobalIndexCodec.readBatch(in));
            }
            case PING -> new RpcRequest.Ping();
            case NODE_FIGURES -> FiguresCodec.readRequest(in);
            case META_COMMAND -> {
                try {
                    yield new RpcRequest.MetaCommandCall(MetaCommandCodec.decode(ReadCodec.readStored(in)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("undecodable metadata command: " + e.getMessage(), e);
                }
            }
            case GROUP_MEMBER_ADD -> readMemberAdd(in);
            case GROUP_MEMBER_REMOVE -> new RpcRequest.GroupMemberRemove(in.readLong());
            case NODE_HEARTBEAT -> {
                int nodeId = in.readVarInt();
                int count = in.readLength();
                List<Long> led = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    led.add(in.readLong());
                }
                try {
                    yield new RpcRequest.NodeHeartbeat(nodeId, led);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("invalid heartbeat: " + e.getMessage(), e);
                }
            }
            case NODE_JOIN -> {
                try {
                    yield new RpcRequest.NodeJoin(MembershipCodec.readString(in), in.readVarInt(), in.readVarInt(),
                            in.readVarInt());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("invalid join request: " + e.getMessage(), e);
                }
            }
            default -> throw new IllegalStateException("no request content for kind " + kind);
        };
    }

    private static RpcRequest readMemberAdd(ByteReader in) {
        long groupId = in.readLong();
        int count = in.readLength();
        List<RaftPeerAddress> peers = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                peers.add(new RaftPeerAddress(MembershipCodec.readString(in), MembershipCodec.readString(in),
                        in.readVarInt()));
            }
            int listenerCount = in.readLength();
            List<RaftPeerAddress> listeners = new ArrayList<>(listenerCount);
            for (int i = 0; i < listenerCount; i++) {
                listeners.add(new RaftPeerAddress(MembershipCodec.readString(in), MembershipCodec.readString(in), 0));
            }
            return new RpcRequest.GroupMemberAdd(groupId, peers, listeners);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid group member add: " + e.getMessage(), e);
        }
    }

    private static void writeWrite(ByteWriter out, RpcRequest.Write write) {
        writePartition(out, write.partition());
        out.writeVarLong(write.mapVersion());
        out.writeByte(write.returnImages());
        ReadCodec.writeStored(out, write.itemKey());
        OperationCodec.encode(out, write.operation());
    }

    private static RpcRequest.Write readWrite(ByteReader in) {
        PartitionId partition = readPartition(in);
        long mapVersion = in.readVarLong();
        int returnImages = in.readUnsignedByte();
        byte[] itemKey = ReadCodec.readStored(in);
        return new RpcRequest.Write(partition, mapVersion, itemKey, OperationCodec.decode(in), returnImages);
    }

    static void writeKeys(ByteWriter out, List<byte[]> keys) {
        out.writeVarInt(keys.size());
        keys.forEach(key -> ReadCodec.writeStored(out, key));
    }

    static List<byte[]> readKeys(ByteReader in) {
        int count = in.readLength();
        List<byte[]> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(ReadCodec.readStored(in));
        }
        return keys;
    }

    static boolean readBoolean(ByteReader in) {
        int value = in.readUnsignedByte();
        if (value > 1) {
            throw new IllegalStateException("not a boolean: " + value + " at " + (in.position() - 1));
        }
        return value == 1;
    }
}
