package io.basalt.cluster.rpc;

import io.basalt.cluster.MetaCommandCodec;
import io.basalt.cluster.node.MembershipCodec;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.partition.CancellationReason;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.PartitionState;
import io.basalt.partition.codec.GlobalIndexCodec;
import io.basalt.partition.codec.ReadCodec;
import io.basalt.partition.codec.WriteResultCodec;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.ReadResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The payloads of response frames ({@link RpcCodec} writes the header):
 * <pre>
 *   OK               the answered request's result:
 *                      WRITE: evaluated write ({@code WriteResultCodec}) · READ point: u8 0/1, [stored item] ·
 *                      READ page: read result ({@code ReadCodec}) · BATCH_READ: varint count, (u8 1, varint
 *                      count, (u8 0/1, [stored item]) each | u8 4, routed) each · BATCH_WRITE: varint count, (u8 1,
 *                      evaluated write | u8 2, error | u8 4, routed) each · TXN_PREPARE: varint count, (u8 1,
 *                      staged write | u8 3, reason) each · TXN_COMMIT: varint count, evaluated write each ·
 *                      TXN_READ_ROUND: varint count, (u8 state 1 READ | 2 HELD | 3 WRITING, u8 0/1, [stored
 *                      item]) each, u8 0/1, [varlong watch id] ·
 *                      TXN_VALIDATE: varint count, u8 0/1 each · GSI_APPLY: the index partition's position
 *                      for the batch's source ({@code GlobalIndexCodec}) · NODE_JOIN: u64 cluster id, varint
 *                      node id, varint groups per node, varint count, (varint node id, string host, varint API,
 *                      RPC and Ratis ports) each, varint count, varint voter node id each · TXN_RELEASE, PING,
 *                      GROUP_MEMBER_ADD, GROUP_MEMBER_REMOVE: empty · NODE_FIGURES: {@code FiguresCodec}
 *   ERROR            error
 *   NOT_LEADER       varlong group, varlong leader hint (0: none)
 *   WRONG_PARTITION  varlong map version, partition
 *   NOT_READY, NOT_APPLIED, AMBIGUOUS, OVERLOADED: empty
 *   error:           string ErrorCode constant name, string message, u8 0 | 1 ConditionalCheckFailed: u8 return
 *                    item, u8 0/1, [current item]
 *   routed:          u8 the routing answer's kind, its payload as above (a part of a batch its partition's node
 *                    did not serve: NOT_LEADER, WRONG_PARTITION, NOT_READY, NOT_APPLIED, OVERLOADED)
 *   reason:          string code, u8 0/1, [string message], u8 0/1, [item] (a cancellation reason, PrepareOutcome)
 * </pre>
 * An error's code is the {@link ErrorCode} constant's name: renaming a constant is a protocol change.
 */
final class RpcResponseCodec {
    private static final int RESULT_OK = 1;
    private static final int RESULT_ERROR = 2;
    private static final int RESULT_REFUSED = 3;
    private static final int RESULT_ROUTED = 4;
    private static final int META_NO_TABLE = 0;
    private static final int META_TABLE = 1;
    private static final int META_TABLE_CHANGED = 2;
    private static final int NO_EXTRA = 0;
    private static final int CONDITION_FAILED = 1;

    private RpcResponseCodec() {
    }

    static void write(ByteWriter out, RpcRequest answered, RpcResponse response) {
        if (response instanceof RpcResponse.Ok ok) {
            writeOk(out, answered, ok.value());
        } else if (response instanceof RpcResponse.Error error) {
            writeError(out, error.error());
        } else if (response instanceof RpcResponse.NotLeader notLeader) {
            out.writeVarLong(notLeader.group());
            out.writeVarLong(notLeader.leaderHint());
        } else if (response instanceof RpcResponse.WrongPartition wrong) {
            out.writeVarLong(wrong.mapVersion());
            RpcCodec.writePartition(out, wrong.partition());
        }
        // NOT_READY, NOT_APPLIED, AMBIGUOUS and OVERLOADED carry nothing.
    }

    static RpcResponse read(RpcKind kind, ByteReader in, RpcRequest answered) {
        return switch (kind) {
            case OK -> new RpcResponse.Ok(readOk(in, answered));
            case ERROR -> new RpcResponse.Error(readError(in));
            case NOT_LEADER -> {
                long group = in.readVarLong();
                yield new RpcResponse.NotLeader(group, in.readVarLong());
            }
            case WRONG_PARTITION -> {
                long version = in.readVarLong();
                yield new RpcResponse.WrongPartition(version, RpcCodec.readPartition(in));
            }
            case NOT_READY -> new RpcResponse.NotReady();
            case NOT_APPLIED -> new RpcResponse.NotApplied();
            case AMBIGUOUS -> new RpcResponse.Ambiguous();
            case OVERLOADED -> new RpcResponse.Overloaded();
            default -> throw new IllegalStateException("not a response kind: " + kind);
        };
    }

    @SuppressWarnings("unchecked")
    private static void writeOk(ByteWriter out, RpcRequest answered, Object value) {
        if (FiguresCodec.isFigures(answered)) {
            FiguresCodec.writeOk(out, answered, value);
        } else if (answered instanceof RpcRequest.Write) {
            WriteResultCodec.writeEvaluated(out, (EvaluatedWrite) value);
        } else if (answered instanceof RpcRequest.PointRead) {
            writeOptionalItem(out, (StoredItem) value);
        } else if (answered instanceof RpcRequest.PageRead) {
            ReadCodec.writeResult(out, (ReadResult) value);
        } else if (answered instanceof RpcRequest.BatchRead) {
            List<Object> groups = (List<Object>) value;
            out.writeVarInt(groups.size());
            for (Object group : groups) {
                if (group instanceof RpcResponse routed) {
                    writeRouted(out, answered, routed);
                    continue;
                }
                List<StoredItem> items = (List<StoredItem>) group;
                out.writeByte(RESULT_OK);
                out.writeVarInt(items.size());
                items.forEach(item -> writeOptionalItem(out, item));
            }
        } else if (answered instanceof RpcRequest.Prepare) {
            List<PrepareOutcome> outcomes = (List<PrepareOutcome>) value;
            out.writeVarInt(outcomes.size());
            for (PrepareOutcome outcome : outcomes) {
                if (outcome instanceof PrepareOutcome.Prepared prepared) {
                    out.writeByte(RESULT_OK);
                    WriteResultCodec.writeStaged(out, prepared.staged());
                } else {
                    out.writeByte(RESULT_REFUSED);
                    writeReason(out, ((PrepareOutcome.Refused) outcome).reason());
                }
            }
        } else if (answered instanceof RpcRequest.BatchWrite) {
            List<Object> outcomes = (List<Object>) value;
            out.writeVarInt(outcomes.size());
            for (Object outcome : outcomes) {
                if (outcome instanceof BasaltException error) {
                    out.writeByte(RESULT_ERROR);
                    writeError(out, error);
                } else if (outcome instanceof RpcResponse routed) {
                    writeRouted(out, answered, routed);
                } else {
                    out.writeByte(RESULT_OK);
                    WriteResultCodec.writeEvaluated(out, (EvaluatedWrite) outcome);
                }
            }
        } else if (answered instanceof RpcRequest.GlobalIndexApply) {
            GlobalIndexCodec.writePosition(out, (IndexPosition) value);
        } else if (answered instanceof RpcRequest.MetaCommandCall) {
            writeMetaAnswer(out, (MetaCommandAnswer) value);
        } else if (answered instanceof RpcRequest.NodeJoin) {
            writeJoinAnswer(out, (NodeJoinAnswer) value);
        } else if (answered instanceof RpcRequest.Commit) {
            List<EvaluatedWrite> writes = (List<EvaluatedWrite>) value;
            out.writeVarInt(writes.size());
            writes.forEach(write -> WriteResultCodec.writeEvaluated(out, write));
        } else if (answered instanceof RpcRequest.ReadRound) {
            writeReadRound(out, (PartitionState.ReadRound) value);
        } else if (answered instanceof RpcRequest.Validate) {
            boolean[] written = (boolean[]) value;
            out.writeVarInt(written.length);
            for (boolean changed : written) {
                out.writeByte(changed ? 1 : 0);
            }
        }
        // TXN_RELEASE, PING and the group member changes answer with nothing.
    }

    private static Object readOk(ByteReader in, RpcRequest answered) {
        if (FiguresCodec.isFigures(answered)) {
            return FiguresCodec.readOk(in, answered);
        } else if (answered instanceof RpcRequest.Write) {
            return WriteResultCodec.readEvaluated(in);
        } else if (answered instanceof RpcRequest.PointRead) {
            return readOptionalItem(in);
        } else if (answered instanceof RpcRequest.PageRead) {
            return ReadCodec.readResult(in);
        } else if (answered instanceof RpcRequest.BatchRead) {
            int count = in.readLength();
            List<Object> groups = new ArrayList<>(count);
            for (int g = 0; g < count; g++) {
                int tag = in.readUnsignedByte();
                if (tag == RESULT_ROUTED) {
                    groups.add(readRouted(in, answered));
                    continue;
                } else if (tag != RESULT_OK) {
                    throw new IllegalStateException("unknown batch read result tag " + tag);
                }
                StoredItem[] items = new StoredItem[in.readLength()];
                for (int i = 0; i < items.length; i++) {
                    items[i] = readOptionalItem(in);
                }
                groups.add(Arrays.asList(items));
            }
            return groups;
        } else if (answered instanceof RpcRequest.Prepare) {
            int count = in.readLength();
            List<PrepareOutcome> outcomes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int tag = in.readUnsignedByte();
                if (tag == RESULT_OK) {
                    outcomes.add(new PrepareOutcome.Prepared(WriteResultCodec.readStaged(in)));
                } else if (tag == RESULT_REFUSED) {
                    outcomes.add(new PrepareOutcome.Refused(readReason(in)));
                } else {
                    throw new IllegalStateException("unknown prepare outcome tag " + tag);
                }
            }
            return outcomes;
        } else if (answered instanceof RpcRequest.BatchWrite) {
            int count = in.readLength();
            List<Object> outcomes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int tag = in.readUnsignedByte();
                if (tag == RESULT_ERROR) {
                    outcomes.add(readError(in));
                } else if (tag == RESULT_ROUTED) {
                    outcomes.add(readRouted(in, answered));
                } else if (tag == RESULT_OK) {
                    outcomes.add(WriteResultCodec.readEvaluated(in));
                } else {
                    throw new IllegalStateException("unknown result tag " + tag);
                }
            }
            return outcomes;
        } else if (answered instanceof RpcRequest.GlobalIndexApply) {
            return GlobalIndexCodec.readPosition(in);
        } else if (answered instanceof RpcRequest.MetaCommandCall) {
            return readMetaAnswer(in);
        } else if (answered instanceof RpcRequest.NodeJoin) {
            return readJoinAnswer(in);
        } else if (answered instanceof RpcRequest.Commit) {
            int count = in.readLength();
            List<EvaluatedWrite> writes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                writes.add(WriteResultCodec.readEvaluated(in));
            }
            return writes;
        } else if (answered instanceof RpcRequest.ReadRound) {
            return readReadRound(in);
        } else if (answered instanceof RpcRequest.Validate) {
            boolean[] written = new boolean[in.readLength()];
            for (int i = 0; i < written.length; i++) {
                written[i] = RpcCodec.readBoolean(in);
            }
            return written;
        }
        return null;
    }

    /** A part of a batch answered with a routing answer: its kind's tag, then the answer as a whole frame has it. */
    private static void writeRouted(ByteWriter out, RpcRequest answered, RpcResponse routed) {
        if (routed instanceof RpcResponse.Ok || routed instanceof RpcResponse.Error
                || routed instanceof RpcResponse.Ambiguous) {
            throw new IllegalArgumentException("not a routing answer for a part of a batch: " + routed.kind());
        }
        out.writeByte(RESULT_ROUTED);
        out.writeByte(routed.kind().tag());
        write(out, answered, routed);
    }

    private static RpcResponse readRouted(ByteReader in, RpcRequest answered) {
        RpcKind kind = RpcKind.ofTag(in.readUnsignedByte());
        if (kind == RpcKind.OK || kind == RpcKind.ERROR || kind == RpcKind.AMBIGUOUS || !kind.isResponse()) {
            throw new IllegalStateException("not a routing answer for a part of a batch: " + kind);
        }
        return read(kind, in, answered);
    }

    private static void writeReadRound(ByteWriter out, PartitionState.ReadRound round) {
        out.writeVarInt(round.items().size());
        for (int i = 0; i < round.items().size(); i++) {
            out.writeByte(switch (round.states().get(i)) {
                case READ -> 1;
                case HELD -> 2;
                case WRITING -> 3;
            });
            byte[] item = round.items().get(i);
            out.writeByte(item == null ? 0 : 1);
            if (item != null) {
                ReadCodec.writeStored(out, item);
            }
        }
        if (round.watch() == null) {
            out.writeByte(0);
        } else if (round.watch() instanceof RemoteWatch remote) {
            out.writeByte(1);
            out.writeVarLong(remote.id());
        } else {
            throw new IllegalArgumentException("a partition's own watch cannot travel: register it and send its id");
        }
    }

    private static PartitionState.ReadRound readReadRound(ByteReader in) {
        int count = in.readLength();
        byte[][] items = new byte[count][];
        PartitionState.ReadState[] states = new PartitionState.ReadState[count];
        for (int i = 0; i < count; i++) {
            int tag = in.readUnsignedByte();
            states[i] = switch (tag) {
                case 1 -> PartitionState.ReadState.READ;
                case 2 -> PartitionState.ReadState.HELD;
                case 3 -> PartitionState.ReadState.WRITING;
                default -> throw new IllegalStateException("unknown read state tag " + tag);
            };
            items[i] = RpcCodec.readBoolean(in) ? ReadCodec.readStored(in) : null;
        }
        RemoteWatch watch = RpcCodec.readBoolean(in) ? new RemoteWatch(in.readVarLong()) : null;
        return new PartitionState.ReadRound(Arrays.asList(items), List.of(states), watch);
    }

    private static void writeOptionalItem(ByteWriter out, StoredItem item) {
        out.writeByte(item == null ? 0 : 1);
        if (item != null) {
            ReadCodec.writeStored(out, item.encoded());
        }
    }

    private static StoredItem readOptionalItem(ByteReader in) {
        return RpcCodec.readBoolean(in) ? StoredItem.of(ReadCodec.readStored(in)) : null;
    }

    private static void writeReason(ByteWriter out, CancellationReason reason) {
        ItemCodec.writeString(out, reason.code());
        out.writeByte(reason.message() == null ? 0 : 1);
        if (reason.message() != null) {
            ItemCodec.writeString(out, reason.message());
        }
        out.writeByte(reason.item() == null ? 0 : 1);
        if (reason.item() != null) {
            ReadCodec.writeStored(out, ItemCodec.encode(reason.item()));
        }
    }

    private static CancellationReason readReason(ByteReader in) {
        String code = ItemCodec.readString(in);
        String message = RpcCodec.readBoolean(in) ? ItemCodec.readString(in) : null;
        Item item = RpcCodec.readBoolean(in) ? ItemCodec.decode(ReadCodec.readStored(in)) : null;
        return new CancellationReason(code, message, item);
    }

    static void writeError(ByteWriter out, BasaltException error) {
        ItemCodec.writeString(out, error.code().name());
        ItemCodec.writeString(out, error.getMessage() == null ? "" : error.getMessage());
        if (error instanceof ConditionalCheckFailedException failed) {
            out.writeByte(CONDITION_FAILED);
            out.writeByte(failed.returnItem() ? 1 : 0);
            out.writeByte(failed.currentItem() == null ? 0 : 1);
            if (failed.currentItem() != null) {
                ItemCodec.encode(out, failed.currentItem());
            }
        } else {
            out.writeByte(NO_EXTRA);
        }
    }

    static BasaltException readError(ByteReader in) {
        String name = ItemCodec.readString(in);
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("unknown error code " + name, e);
        }
        String message = ItemCodec.readString(in);
        int extra = in.readUnsignedByte();
        if (extra == NO_EXTRA) {
            return new BasaltException(code, message);
        }
        if (extra != CONDITION_FAILED || code != ErrorCode.CONDITIONAL_CHECK_FAILED) {
            throw new IllegalStateException("unknown error detail " + extra + " for " + code);
        }
        boolean returnItem = RpcCodec.readBoolean(in);
        Item current = RpcCodec.readBoolean(in) ? ItemCodec.decode(in) : null;
        ConditionalCheckFailedException failed = new ConditionalCheckFailedException(current);
        if (!failed.getMessage().equals(message)) {
            throw new IllegalStateException("a ConditionalCheckFailed error with another message: " + message);
        }
        return returnItem ? failed.returningItem() : failed;
    }

    private static void writeJoinAnswer(ByteWriter out, NodeJoinAnswer answer) {
        out.writeLong(answer.clusterId());
        out.writeVarInt(answer.nodeId());
        out.writeVarInt(answer.groupsPerNode());
        out.writeVarInt(answer.nodes().size());
        answer.nodes().forEach(node -> MembershipCodec.writeAddress(out, node));
        out.writeVarInt(answer.metadataVoters().size());
        answer.metadataVoters().forEach(out::writeVarInt);
    }

    private static NodeJoinAnswer readJoinAnswer(ByteReader in) {
        long clusterId = in.readLong();
        int nodeId = in.readVarInt();
        int groupsPerNode = in.readVarInt();
        int count = in.readLength();
        List<NodeAddress> nodes = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                nodes.add(MembershipCodec.readAddress(in));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid node address: " + e.getMessage(), e);
        }
        int voters = in.readLength();
        List<Integer> metadataVoters = new ArrayList<>(voters);
        for (int i = 0; i < voters; i++) {
            metadataVoters.add(in.readVarInt());
        }
        return new NodeJoinAnswer(clusterId, nodeId, groupsPerNode, nodes, metadataVoters);
    }

    /** A META_COMMAND answer: varlong version, u8 0 (no table) | 1 (a table follows) | 2 (the table changed). */
    private static void writeMetaAnswer(ByteWriter out, MetaCommandAnswer answer) {
        out.writeVarLong(answer.version());
        if (answer.tableChanged()) {
            out.writeByte(META_TABLE_CHANGED);
        } else if (answer.table() == null) {
            out.writeByte(META_NO_TABLE);
        } else {
            out.writeByte(META_TABLE);
            MetaCommandCodec.writeTable(out, answer.table());
        }
    }

    private static MetaCommandAnswer readMetaAnswer(ByteReader in) {
        long version = in.readVarLong();
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case META_NO_TABLE -> new MetaCommandAnswer(version, null, false);
            case META_TABLE -> new MetaCommandAnswer(version, MetaCommandCodec.readTable(in), false);
            case META_TABLE_CHANGED -> new MetaCommandAnswer(version, null, true);
            default -> throw new IllegalStateException("unknown metadata answer tag " + tag);
        };
    }
}
