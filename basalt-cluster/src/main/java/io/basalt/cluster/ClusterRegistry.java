package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.node.GroupPlacement;
import io.basalt.cluster.node.MembershipCodec;
import io.basalt.cluster.node.NodeDescriptor;
import io.basalt.partition.KeyLayout;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The cluster's nodes and replication groups as the applied metadata entries left them (docs/design/cluster.md
 * §4.1, §13): a read cache of the {@code 0x11} node and {@code 0x10} group key spaces and of their id counters, kept
 * beside the {@link Catalog}, which loads it and hands it each applied entry. It never writes: the metadata state
 * machine's membership commands ({@link MetaCommand.RegisterNode} and the rest) log every change.
 *
 * <p>Reads are lock-free from any thread; {@link #apply} runs on the applying thread, one entry at a time.
 */
public final class ClusterRegistry {
    /** The next node id (§4.1): ids are positive, allocated once, never reused. */
    static final byte[] NEXT_NODE_ID_KEY = KeyLayout.nodeKey("next-node-id");
    /** The next replication group id; 0 is the metadata group, so data groups start at 1. */
    static final byte[] NEXT_GROUP_ID_KEY = KeyLayout.nodeKey("next-group-id");

    private final ConcurrentSkipListMap<Integer, NodeDescriptor> nodes = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, GroupPlacement> groups = new ConcurrentSkipListMap<>();
    private volatile int nextNodeId;
    private volatile long nextGroupId;

    /** Loads what {@code storage} holds. */
    ClusterRegistry(StorageReader storage) {
        requireNonNull(storage, "storage is null");
        try (StorageIterator iterator = storage.iterator(new byte[] {KeyLayout.NODES},
                new byte[] {KeyLayout.NODES + 1})) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                NodeDescriptor node = MembershipCodec.decodeNode(iterator.value());
                nodes.put(node.nodeId(), node);
            }
        }
        try (StorageIterator iterator = storage.iterator(new byte[] {KeyLayout.GROUPS},
                new byte[] {KeyLayout.GROUPS + 1})) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                GroupPlacement group = MembershipCodec.decodeGroup(iterator.value());
                groups.put(group.groupId(), group);
            }
        }
        byte[] nextNode = storage.get(NEXT_NODE_ID_KEY);
        nextNodeId = nextNode == null ? 1 : (int) decodeCounter(nextNode);
        byte[] nextGroup = storage.get(NEXT_GROUP_ID_KEY);
        nextGroupId = nextGroup == null ? 1 : decodeCounter(nextGroup);
    }

    /** Every registered node, in id order. */
    public List<NodeDescriptor> nodes() {
        return List.copyOf(nodes.values());
    }

    public Optional<NodeDescriptor> tryGetNode(int nodeId) {
        return Optional.ofNullable(nodes.get(nodeId));
    }

    /** The registered node whose RPC or Ratis endpoint is {@code host:port} (a join retried finds its node). */
    public Optional<NodeDescriptor> tryGetNodeAt(String host, int rpcPort, int raftPort) {
        return nodes.values().stream().filter(node -> node.address().host().equals(host)
                && (node.address().rpcPort() == rpcPort || node.address().raftPort() == raftPort)).findFirst();
    }

    /** Every recorded group, the metadata group (0) first, in id order. */
    public List<GroupPlacement> groups() {
        return List.copyOf(groups.values());
    }

    /** The data groups (every group but the metadata group), in id order. */
    public List<GroupPlacement> dataGroups() {
        return groups.values().stream().filter(group -> group.groupId() != 0).toList();
    }

    public Optional<GroupPlacement> tryGetGroup(long groupId) {
        return Optional.ofNullable(groups.get(groupId));
    }

    /** Whether nothing is recorded yet: a cluster created before the registry, not yet bootstrapped. */
    public boolean isEmpty() {
        return nodes.isEmpty() && groups.isEmpty();
    }

    /** The id the next registered node gets: above every id ever given. */
    public int nextNodeId() {
        return nextNodeId;
    }

    /** The id the next created group gets: above every id ever given. */
    public long nextGroupId() {
        return nextGroupId;
    }

    /** Follows one applied operation of a metadata entry (ignores what is not membership state). */
    void apply(WriteBatch.Operation operation) {
        if (operation instanceof WriteBatch.Put put) {
            byte[] key = put.key();
            if (key[0] == KeyLayout.NODES) {
                NodeDescriptor node = MembershipCodec.decodeNode(put.value());
                nodes.put(node.nodeId(), node);
            } else if (key[0] == KeyLayout.GROUPS) {
                GroupPlacement group = MembershipCodec.decodeGroup(put.value());
                groups.put(group.groupId(), group);
            } else if (Arrays.equals(key, NEXT_NODE_ID_KEY)) {
                nextNodeId = (int) decodeCounter(put.value());
            } else if (Arrays.equals(key, NEXT_GROUP_ID_KEY)) {
                nextGroupId = decodeCounter(put.value());
            }
        } else if (operation instanceof WriteBatch.Delete delete) {
            byte[] key = delete.key();
            if (key[0] == KeyLayout.NODES) {
                nodes.remove((int) idOf(key));
            } else if (key[0] == KeyLayout.GROUPS) {
                groups.remove(idOf(key));
            }
        }
    }

    private static long idOf(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }

    private static long decodeCounter(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }
}
