package io.basalt.cluster.node;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored forms of the membership records (docs/design/cluster.md §4.1: {@code 0x11} nodes, {@code 0x10} groups),
 * value version 1. A change needs a new version that still reads this one; node state codes are
 * {@link NodeState#code}, never reused.
 *
 * <pre>
 * node:  u8 version (= 1), varint node id, string host, varint API port, varint RPC port, varint Ratis port,
 *        u8 state, u64 since (epoch millis)
 * group: u8 version (= 1), u64 group id, varint member count, varint node id each, varint preferred leader
 * string: varint length + UTF-8
 * </pre>
 */
public final class MembershipCodec {
    public static final byte VALUE_VERSION = 1;

    private MembershipCodec() {
    }

    public static byte[] encodeNode(NodeDescriptor node) {
        ByteWriter out = new ByteWriter(48);
        out.writeByte(VALUE_VERSION);
        writeAddress(out, node.address());
        out.writeByte(node.state().code());
        out.writeLong(node.since().toEpochMilli());
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when {@code bytes} is not one node record of a known version
     */
    public static NodeDescriptor decodeNode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        try {
            checkVersion(in, "node");
            NodeDescriptor node = new NodeDescriptor(readAddress(in), NodeState.ofCode(in.readUnsignedByte()),
                    Instant.ofEpochMilli(in.readLong()));
            checkEnd(in, "node");
            return node;
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("node record is truncated or malformed: " + e.getMessage(), e);
        }
    }

    public static byte[] encodeGroup(GroupPlacement group) {
        ByteWriter out = new ByteWriter(16 + 2 * group.members().size());
        out.writeByte(VALUE_VERSION);
        writeGroupBody(out, group);
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when {@code bytes} is not one group record of a known version
     */
    public static GroupPlacement decodeGroup(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        try {
            checkVersion(in, "group");
            GroupPlacement group = readGroupBody(in);
            checkEnd(in, "group");
            return group;
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("group record is truncated or malformed: " + e.getMessage(), e);
        }
    }

    /** Writes a node's address (id, host, ports) as the node record and the join frames hold it. */
    public static void writeAddress(ByteWriter out, NodeAddress address) {
        out.writeVarInt(address.nodeId());
        writeString(out, address.host());
        out.writeVarInt(address.apiPort());
        out.writeVarInt(address.rpcPort());
        out.writeVarInt(address.raftPort());
    }

    public static NodeAddress readAddress(ByteReader in) {
        return new NodeAddress(in.readVarInt(), readString(in), in.readVarInt(), in.readVarInt(), in.readVarInt());
    }

    /** Writes a group without the version byte (for frames and commands that carry one). */
    public static void writeGroupBody(ByteWriter out, GroupPlacement group) {
        out.writeLong(group.groupId());
        out.writeVarInt(group.members().size());
        group.members().forEach(out::writeVarInt);
        out.writeVarInt(group.preferredLeader());
    }

    public static GroupPlacement readGroupBody(ByteReader in) {
        long groupId = in.readLong();
        int count = in.readLength();
        List<Integer> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(in.readVarInt());
        }
        return new GroupPlacement(groupId, members, in.readVarInt());
    }

    public static void writeString(ByteWriter out, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeVarInt(utf8.length);
        out.writeBytes(utf8);
    }

    public static String readString(ByteReader in) {
        return new String(in.readBytes(in.readLength()), StandardCharsets.UTF_8);
    }

    private static void checkVersion(ByteReader in, String what) {
        int version = in.readUnsignedByte();
        if (version != VALUE_VERSION) {
            throw new IllegalArgumentException("unknown " + what + " record version " + version
                    + " (this code reads version " + VALUE_VERSION + ")");
        }
    }

    private static void checkEnd(ByteReader in, String what) {
        if (in.remaining() != 0) {
            throw new IllegalArgumentException(what + " record has " + in.remaining() + " bytes after its end");
        }
    }
}
