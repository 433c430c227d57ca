package io.basalt.cluster;

import io.basalt.cluster.node.GroupPlacement;
import io.basalt.cluster.node.MembershipCodec;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeState;
import io.basalt.partition.PartitionId;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte form of a {@link MetaCommand}, format version 1: how a node sends a command to the metadata leader
 * (the {@code META_COMMAND} frame, docs/design/cluster.md §12.2). Command and change tags are never reordered or
 * reused; a change needs a new format version that still decodes this one. Tables are in {@link TableMetadataCodec}'s
 * form (whatever version it writes), each prefixed by its length.
 *
 * <pre>
 * u8 format (= 1)   u8 command (1 CREATE_TABLE, 2 UPDATE_TABLE, 3 DELETE_TABLE, 4 REGISTER_NODE, 5 SET_NODE_STATE,
 *                               6 CREATE_GROUP, 7 SET_GROUP_MEMBERS, 8 BOOTSTRAP_MEMBERSHIP)
 * CREATE_TABLE, DELETE_TABLE: table
 * REGISTER_NODE: node record (MembershipCodec, with its version byte)
 * SET_NODE_STATE: varint node id, u8 state code, u64 since epoch millis
 * CREATE_GROUP, SET_GROUP_MEMBERS: group record (MembershipCodec, with its version byte)
 * BOOTSTRAP_MEMBERSHIP: u64 at epoch millis, varint node count, address each (varint id, string host, varint API,
 *   RPC and Ratis ports), varint group count, group each (u64 id, varint member count, varint node ids, varint
 *   preferred leader)
 * UPDATE_TABLE: string table name, u8 change, then by change:
 *   1 REPLACE: table expected, table updated
 *   2 ADD_TAGS: varint count, then string key + string value each
 *   3 REMOVE_TAGS: varint count, then string key each
 *   4 ADD_GLOBAL_INDEX, 5 START_INDEX_DROP: table expected, table updated, varint index id
 *   6 INDEX_BACKFILLED: u64 table id, varint index id, u64 readyAt epoch millis
 *   7 INDEX_DROPPED: u64 table id, varint index id
 *   8 PARTITION_BACKFILLED, 9 INDEX_PARTITION_DROPPED: u64 table id, varint index id, u64 partition id (reports a
 *     cluster's partition leaders send, added in format 1: a frame goes between nodes of one build)
 * table: varint length + TableMetadataCodec bytes; string: varint length + UTF-8
 * </pre>
 */
public final class MetaCommandCodec {
    public static final byte FORMAT_VERSION = 1;

    private static final byte CREATE_TABLE = 1;
    private static final byte UPDATE_TABLE = 2;
    private static final byte DELETE_TABLE = 3;
    private static final byte REGISTER_NODE = 4;
    private static final byte SET_NODE_STATE = 5;
    private static final byte CREATE_GROUP = 6;
    private static final byte SET_GROUP_MEMBERS = 7;
    private static final byte BOOTSTRAP_MEMBERSHIP = 8;

    private static final byte REPLACE = 1;
    private static final byte ADD_TAGS = 2;
    private static final byte REMOVE_TAGS = 3;
    private static final byte ADD_GLOBAL_INDEX = 4;
    private static final byte START_INDEX_DROP = 5;
    private static final byte INDEX_BACKFILLED = 6;
    private static final byte INDEX_DROPPED = 7;
    /** Reports a cluster's partitions send the metadata leader (never logged); added without a version bump. */
    private static final byte PARTITION_BACKFILLED = 8;
    private static final byte INDEX_PARTITION_DROPPED = 9;

    private MetaCommandCodec() {
    }

    public static byte[] encode(MetaCommand command) {
        ByteWriter out = new ByteWriter(256);
        out.writeByte(FORMAT_VERSION);
        if (command instanceof MetaCommand.CreateTable create) {
            out.writeByte(CREATE_TABLE);
            writeTable(out, create.table());
        } else if (command instanceof MetaCommand.DeleteTable delete) {
            out.writeByte(DELETE_TABLE);
            writeTable(out, delete.table());
        } else if (command instanceof MetaCommand.UpdateTable update) {
            out.writeByte(UPDATE_TABLE);
            writeString(out, update.tableName());
            writeChange(out, update.change());
        } else {
            writeMembership(out, command);
        }
        return out.toByteArray();
    }

    private static void writeMembership(ByteWriter out, MetaCommand command) {
        if (command instanceof MetaCommand.RegisterNode register) {
            out.writeByte(REGISTER_NODE);
            out.writeBytes(MembershipCodec.encodeNode(register.node()));
        } else if (command instanceof MetaCommand.SetNodeState state) {
            out.writeByte(SET_NODE_STATE);
            out.writeVarInt(state.nodeId());
            out.writeByte(state.state().code());
            out.writeLong(state.since().toEpochMilli());
        } else if (command instanceof MetaCommand.CreateGroup create) {
            out.writeByte(CREATE_GROUP);
            out.writeBytes(MembershipCodec.encodeGroup(create.group()));
        } else if (command instanceof MetaCommand.SetGroupMembers members) {
            out.writeByte(SET_GROUP_MEMBERS);
            out.writeBytes(MembershipCodec.encodeGroup(members.group()));
        } else {
            MetaCommand.BootstrapMembership bootstrap = (MetaCommand.BootstrapMembership) command;
            out.writeByte(BOOTSTRAP_MEMBERSHIP);
            out.writeLong(bootstrap.at().toEpochMilli());
            out.writeVarInt(bootstrap.nodes().size());
            bootstrap.nodes().forEach(node -> MembershipCodec.writeAddress(out, node));
            out.writeVarInt(bootstrap.groups().size());
            bootstrap.groups().forEach(group -> MembershipCodec.writeGroupBody(out, group));
        }
    }

    private static MetaCommand readBootstrap(ByteReader in) {
        Instant at = Instant.ofEpochMilli(in.readLong());
        int nodeCount = in.readLength();
        List<NodeAddress> nodes = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(MembershipCodec.readAddress(in));
        }
        int groupCount = in.readLength();
        List<GroupPlacement> groups = new ArrayList<>(groupCount);
        for (int i = 0; i < groupCount; i++) {
            groups.add(MembershipCodec.readGroupBody(in));
        }
        return new MetaCommand.BootstrapMembership(nodes, groups, at);
    }

    /** The rest of {@code in} as one membership record (the command's last field). */
    private static byte[] rest(ByteReader in) {
        return in.readBytes(in.remaining());
    }

    /**
     * @throws IllegalArgumentException when {@code bytes} is not one complete command of a known format
     */
    public static MetaCommand decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        try {
            int format = in.readUnsignedByte();
            if (format != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown metadata command format version " + format
                        + " (this code reads version " + FORMAT_VERSION + ")");
            }
            int kind = in.readUnsignedByte();
            MetaCommand command = switch (kind) {
                case CREATE_TABLE -> new MetaCommand.CreateTable(readTable(in));
                case DELETE_TABLE -> new MetaCommand.DeleteTable(readTable(in));
                case UPDATE_TABLE -> new MetaCommand.UpdateTable(readString(in), readChange(in));
                case REGISTER_NODE -> new MetaCommand.RegisterNode(MembershipCodec.decodeNode(rest(in)));
                case SET_NODE_STATE -> new MetaCommand.SetNodeState(in.readVarInt(),
                        NodeState.ofCode(in.readUnsignedByte()), Instant.ofEpochMilli(in.readLong()));
                case CREATE_GROUP -> new MetaCommand.CreateGroup(MembershipCodec.decodeGroup(rest(in)));
                case SET_GROUP_MEMBERS -> new MetaCommand.SetGroupMembers(MembershipCodec.decodeGroup(rest(in)));
                case BOOTSTRAP_MEMBERSHIP -> readBootstrap(in);
                default -> throw new IllegalArgumentException("unknown metadata command " + kind);
            };
            if (in.remaining() != 0) {
                throw new IllegalArgumentException("metadata command has " + in.remaining() + " bytes after its end");
            }
            return command;
        } catch (IllegalStateException e) {
            // ByteReader's truncation and varint errors, and TableMetadataCodec's.
            throw new IllegalArgumentException("metadata command is truncated or malformed: " + e.getMessage(), e);
        }
    }

    private static void writeChange(ByteWriter out, TableChange change) {
        if (change instanceof TableChange.Replace replace) {
            out.writeByte(REPLACE);
            writeTable(out, replace.expected());
            writeTable(out, replace.updated());
        } else if (change instanceof TableChange.AddTags add) {
            out.writeByte(ADD_TAGS);
            out.writeVarInt(add.tags().size());
            for (Map.Entry<String, String> tag : add.tags().entrySet()) {
                writeString(out, tag.getKey());
                writeString(out, tag.getValue());
            }
        } else if (change instanceof TableChange.RemoveTags remove) {
            out.writeByte(REMOVE_TAGS);
            out.writeVarInt(remove.keys().size());
            remove.keys().forEach(key -> writeString(out, key));
        } else if (change instanceof TableChange.AddGlobalIndex add) {
            out.writeByte(ADD_GLOBAL_INDEX);
            writeTable(out, add.expected());
            writeTable(out, add.updated());
            out.writeVarInt(add.indexId());
        } else if (change instanceof TableChange.StartIndexDrop drop) {
            out.writeByte(START_INDEX_DROP);
            writeTable(out, drop.expected());
            writeTable(out, drop.updated());
            out.writeVarInt(drop.indexId());
        } else if (change instanceof TableChange.IndexBackfilled backfilled) {
            out.writeByte(INDEX_BACKFILLED);
            out.writeLong(backfilled.tableId());
            out.writeVarInt(backfilled.indexId());
            out.writeLong(backfilled.readyAt().toEpochMilli());
        } else if (change instanceof TableChange.PartitionBackfilled report) {
            out.writeByte(PARTITION_BACKFILLED);
            out.writeLong(report.tableId());
            out.writeVarInt(report.indexId());
            out.writeLong(report.partition().value());
        } else if (change instanceof TableChange.IndexPartitionDropped report) {
            out.writeByte(INDEX_PARTITION_DROPPED);
            out.writeLong(report.tableId());
            out.writeVarInt(report.indexId());
            out.writeLong(report.partition().value());
        } else {
            TableChange.IndexDropped dropped = (TableChange.IndexDropped) change;
            out.writeByte(INDEX_DROPPED);
            out.writeLong(dropped.tableId());
            out.writeVarInt(dropped.indexId());
        }
    }

    private static TableChange readChange(ByteReader in) {
        int kind = in.readUnsignedByte();
        switch (kind) {
            case REPLACE:
                return new TableChange.Replace(readTable(in), readTable(in));
            case ADD_TAGS: {
                int count = in.readLength();
                Map<String, String> tags = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    tags.put(readString(in), readString(in));
                }
                return new TableChange.AddTags(tags);
            }
            case REMOVE_TAGS: {
                int count = in.readLength();
                List<String> keys = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    keys.add(readString(in));
                }
                return new TableChange.RemoveTags(keys);
            }
            case ADD_GLOBAL_INDEX:
                return new TableChange.AddGlobalIndex(readTable(in), readTable(in), in.readVarInt());
            case START_INDEX_DROP:
                return new TableChange.StartIndexDrop(readTable(in), readTable(in), in.readVarInt());
            case INDEX_BACKFILLED:
                return new TableChange.IndexBackfilled(in.readLong(), in.readVarInt(),
                        Instant.ofEpochMilli(in.readLong()));
            case INDEX_DROPPED:
                return new TableChange.IndexDropped(in.readLong(), in.readVarInt());
            case PARTITION_BACKFILLED:
                return new TableChange.PartitionBackfilled(in.readLong(), in.readVarInt(),
                        new PartitionId(in.readLong()));
            case INDEX_PARTITION_DROPPED:
                return new TableChange.IndexPartitionDropped(in.readLong(), in.readVarInt(),
                        new PartitionId(in.readLong()));
            default:
                throw new IllegalArgumentException("unknown table change " + kind);
        }
    }

    /** Writes {@code table} as commands hold it (its length, then its catalog form): for frames that carry one. */
    public static void writeTable(ByteWriter out, TableMetadata table) {
        byte[] bytes = TableMetadataCodec.encode(table);
        out.writeVarInt(bytes.length);
        out.writeBytes(bytes);
    }

    /** Reads a table {@link #writeTable} wrote. */
    public static TableMetadata readTable(ByteReader in) {
        return TableMetadataCodec.decode(in.readBytes(in.readLength()));
    }

    private static void writeString(ByteWriter out, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeVarInt(utf8.length);
        out.writeBytes(utf8);
    }

    private static String readString(ByteReader in) {
        return new String(in.readBytes(in.readLength()), StandardCharsets.UTF_8);
    }
}
