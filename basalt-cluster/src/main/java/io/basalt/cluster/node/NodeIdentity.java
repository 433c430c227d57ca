package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.replication.raft.RaftTransport;
import java.util.List;
import java.util.Optional;

/**
 * The content of a cluster node's {@code node.json} (docs/design/cluster.md §3, §13.1): written once when the node is
 * created or joins, read at every start.
 *
 * <p>An <b>initial</b> node (made by {@code basalt cluster}) holds the same cluster id, initial node list and groups
 * per node as every other initial node, so that each computes the same static placement (§13.2) and builds the
 * identical Raft groups on its first start (the usual static bootstrap). A <b>joined</b> node ({@code basalt serve
 * --join}) has no initial nodes: it has the cluster's nodes and metadata voters as the join answer named them
 * ({@link #joined()}), starts with no group members, and gets members from placement.
 *
 * <p>The Raft transport is the cluster's, as its id is: a gRPC node and a Netty node cannot talk (§18). It is
 * recorded here when the node is created or joins, so that a node restarted without {@code --raft-transport} rejoins
 * its peers on theirs, and one restarted with another is refused rather than cut off.
 *
 * @param clusterId the cluster's random id; the high 64 bits of every Ratis group id
 * @param nodeId this node's id, one of {@code initialNodes}, or of the joined nodes
 * @param initialNodes the nodes the cluster was created with, in id order; empty for a joined node
 * @param groupsPerNode data-group members per node that placement aims at
 * @param recordedTransport the cluster's Raft transport, chosen when the cluster was created (a joined node: its
 *     cluster's); empty in a {@code node.json} written before s21, which did not record it ({@link #raftTransport()})
 * @param joined for a joined node, the cluster as the join answer described it
 */
public record NodeIdentity(long clusterId, int nodeId, List<NodeAddress> initialNodes, int groupsPerNode,
        Optional<RaftTransport> recordedTransport, Optional<Joined> joined) {
    /** {@code node.json}'s format; bumped on any incompatible change, and older versions stay readable. */
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "node.json";
    /**
     * The Raft transport of a node whose {@code node.json} does not record one (written before s21): gRPC, the only
     * transport before s20 and what every cluster created then runs on. A cluster created in s20 on its Netty default
     * did not record it either; its nodes keep starting with {@code --raft-transport netty}, which such a file
     * accepts (docs/design/cluster.md §3).
     */
    public static final RaftTransport UNRECORDED_TRANSPORT = RaftTransport.GRPC;

    /**
     * The cluster a node joined, as the metadata leader answered its {@code NODE_JOIN}.
     *
     * @param nodes every node registered then, this one among them, in id order
     * @param metadataVoters the metadata group's voters (node ids among {@code nodes})
     */
    public record Joined(List<NodeAddress> nodes, List<Integer> metadataVoters) {
        public Joined {
            nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
            metadataVoters = List.copyOf(requireNonNull(metadataVoters, "metadataVoters is null"));
            if (metadataVoters.isEmpty()) {
                throw new IllegalArgumentException("a cluster has at least one metadata voter");
            }
            for (int voter : metadataVoters) {
                if (nodes.stream().noneMatch(node -> node.nodeId() == voter)) {
                    throw new IllegalArgumentException("metadata voter " + voter + " is not one of " + nodes);
                }
            }
        }
    }

    public NodeIdentity {
        initialNodes = List.copyOf(requireNonNull(initialNodes, "initialNodes is null"));
        requireNonNull(recordedTransport, "recordedTransport is null");
        requireNonNull(joined, "joined is null");
        if (groupsPerNode < 1) {
            throw new IllegalArgumentException("groupsPerNode must be positive: " + groupsPerNode);
        }
        if (joined.isPresent()) {
            if (!initialNodes.isEmpty()) {
                throw new IllegalArgumentException("a joined node has no initial nodes");
            }
            if (joined.get().nodes().stream().noneMatch(node -> node.nodeId() == nodeId)) {
                throw new IllegalArgumentException("node " + nodeId + " is not one of the joined cluster's nodes");
            }
        } else {
            for (int i = 0; i < initialNodes.size(); i++) {
                if (initialNodes.get(i).nodeId() != i + 1) {
                    throw new IllegalArgumentException("initial nodes must be numbered 1..N in order: "
                            + initialNodes);
                }
            }
            if (nodeId < 1 || nodeId > initialNodes.size()) {
                throw new IllegalArgumentException("node " + nodeId + " is not one of the initial nodes");
            }
        }
    }

    /** An initial node's identity. */
    public NodeIdentity(long clusterId, int nodeId, List<NodeAddress> initialNodes, int groupsPerNode,
            RaftTransport raftTransport) {
        this(clusterId, nodeId, initialNodes, groupsPerNode, Optional.of(raftTransport), Optional.empty());
    }

    /** A joined node's identity, from the join answer. */
    public static NodeIdentity joined(long clusterId, int nodeId, int groupsPerNode, RaftTransport raftTransport,
            List<NodeAddress> nodes, List<Integer> metadataVoters) {
        return new NodeIdentity(clusterId, nodeId, List.of(), groupsPerNode, Optional.of(raftTransport),
                Optional.of(new Joined(nodes, metadataVoters)));
    }

    /** The node's Raft transport: the one recorded, or {@link #UNRECORDED_TRANSPORT} for an older file. */
    public RaftTransport raftTransport() {
        return recordedTransport.orElse(UNRECORDED_TRANSPORT);
    }

    /**
     * The Raft transport a start asked for with {@code --raft-transport} ({@code requested}; empty: not given) is to
     * run on: the recorded one when none is asked for or the same is; an older file's transport is unknown, so the
     * one asked for, or {@link #UNRECORDED_TRANSPORT}.
     *
     * @throws IllegalArgumentException when another than the recorded one is asked for, naming both
     */
    public RaftTransport transportFor(Optional<RaftTransport> requested) {
        requireNonNull(requested, "requested is null");
        if (recordedTransport.isEmpty()) {
            return requested.orElse(UNRECORDED_TRANSPORT);
        }
        RaftTransport recorded = recordedTransport.get();
        if (requested.isPresent() && requested.get() != recorded) {
            throw new IllegalArgumentException("node " + nodeId + " belongs to a cluster on the "
                    + recorded.flagValue() + " Raft transport (recorded in its " + FILE_NAME + "), not "
                    + requested.get().flagValue() + ": every node of a cluster uses the same transport; start it "
                    + "without --raft-transport, or with --raft-transport " + recorded.flagValue());
        }
        return recorded;
    }

    public boolean isJoined() {
        return joined.isPresent();
    }

    /** The nodes this node knew of when it was created or joined (the registry has the current ones). */
    public List<NodeAddress> knownNodes() {
        return joined.map(Joined::nodes).orElse(initialNodes);
    }

    /** This node's own address. */
    public NodeAddress self() {
        return knownNodes().stream().filter(node -> node.nodeId() == nodeId).findFirst().orElseThrow();
    }

    /** The metadata group's voters: the first min(3, N) initial nodes (§11), or those the join answer named. */
    public List<NodeAddress> metadataVoters() {
        if (joined.isPresent()) {
            return joined.get().metadataVoters().stream()
                    .map(voter -> knownNodes().stream().filter(node -> node.nodeId() == voter).findFirst()
                            .orElseThrow())
                    .toList();
        }
        return initialNodes.subList(0, Math.min(3, initialNodes.size()));
    }
}
