package io.basalt.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.replication.raft.RaftTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestNodeIdentityFile {
    private static final List<NodeAddress> NODES = List.of(new NodeAddress(1, "127.0.0.1", 8000, 41001, 42001),
            new NodeAddress(2, "127.0.0.1", 8001, 41002, 42002), new NodeAddress(3, "127.0.0.1", 8002, 41003, 42003),
            new NodeAddress(4, "127.0.0.1", 8003, 41004, 42004));

    @TempDir
    Path directory;

    @Test
    void roundTripsThroughTheDirectory() throws IOException {
        NodeIdentity identity = new NodeIdentity(0xfedc_ba98_7654_3210L, 2, NODES, 4, RaftTransport.GRPC);
        assertThat(NodeIdentityFile.exists(directory.resolve("node-2"))).isFalse();
        NodeIdentityFile.write(directory.resolve("node-2"), identity);
        assertThat(NodeIdentityFile.exists(directory.resolve("node-2"))).isTrue();
        NodeIdentity read = NodeIdentityFile.read(directory.resolve("node-2"));
        assertThat(read).isEqualTo(identity);
        assertThat(read.self().apiEndpoint()).isEqualTo("http://127.0.0.1:8001");
        assertThat(read.metadataVoters()).extracting(NodeAddress::nodeId).containsExactly(1, 2, 3);
        assertThat(read.recordedTransport()).contains(RaftTransport.GRPC);
        NodeIdentity netty = new NodeIdentity(0x7L, 1, NODES, 4, RaftTransport.NETTY);
        NodeIdentityFile.write(directory.resolve("node-1"), netty);
        assertThat(NodeIdentityFile.read(directory.resolve("node-1"))).isEqualTo(netty);
    }

    @Test
    void aJoinedNodeKeepsTheClusterItsJoinAnswerNamed() throws IOException {
        NodeIdentity identity = NodeIdentity.joined(0x2aL, 4, 3, RaftTransport.NETTY, NODES, List.of(1, 2, 3));
        assertThat(identity.isJoined()).isTrue();
        assertThat(identity.initialNodes()).isEmpty();
        assertThat(identity.self()).isEqualTo(NODES.get(3));
        assertThat(identity.metadataVoters()).extracting(NodeAddress::nodeId).containsExactly(1, 2, 3);
        NodeIdentityFile.write(directory.resolve("node-4"), identity);
        assertThat(NodeIdentityFile.read(directory.resolve("node-4"))).isEqualTo(identity);
        assertThat(NodeIdentityFile.encode(NodeIdentity.joined(0x2aL, 2, 3, RaftTransport.NETTY, NODES.subList(0, 2),
                List.of(1))))
                .isEqualTo("""
                        {
                          "formatVersion": 1,
                          "clusterId": "2a",
                          "nodeId": 2,
                          "groupsPerNode": 3,
                          "raftTransport": "netty",
                          "initialNodes": [
                          ],
                          "joinedNodes": [
                            {"nodeId": 1, "host": "127.0.0.1", "apiPort": 8000, "rpcPort": 41001, "raftPort": 42001},
                            {"nodeId": 2, "host": "127.0.0.1", "apiPort": 8001, "rpcPort": 41002, "raftPort": 42002}
                          ],
                          "metadataVoters": [1]
                        }
                        """);
        assertThatThrownBy(() -> NodeIdentity.joined(1, 9, 3, RaftTransport.GRPC, NODES, List.of(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 9");
        assertThatThrownBy(() -> NodeIdentity.joined(1, 4, 3, RaftTransport.GRPC, NODES, List.of(7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("voter 7");
    }

    @Test
    void goldenText() {
        NodeIdentity identity = new NodeIdentity(0x1fL, 1, NODES.subList(0, 1), 2, RaftTransport.GRPC);
        assertThat(NodeIdentityFile.encode(identity)).isEqualTo("""
                {
                  "formatVersion": 1,
                  "clusterId": "1f",
                  "nodeId": 1,
                  "groupsPerNode": 2,
                  "raftTransport": "grpc",
                  "initialNodes": [
                    {"nodeId": 1, "host": "127.0.0.1", "apiPort": 8000, "rpcPort": 41001, "raftPort": 42001}
                  ]
                }
                """);
        assertThat(NodeIdentityFile.decode(NodeIdentityFile.encode(identity))).isEqualTo(identity);
    }

    /**
     * A {@code node.json} written before s21 (this text is one, from {@code basalt cluster} then): no {@code
     * "raftTransport"}, so the transport is not recorded and a start without {@code --raft-transport} runs gRPC,
     * what every cluster created before s20 runs on; one asked for is taken, as an s20 cluster on Netty needs.
     */
    @Test
    void aFileWrittenBeforeTheTransportWasRecordedMeansGrpcUnlessAsked() throws IOException {
        Path node = Files.createDirectories(directory.resolve("node-2"));
        Files.writeString(node.resolve("node.json"), """
                {
                  "formatVersion": 1,
                  "clusterId": "9c3e5b27a1d04f88",
                  "nodeId": 2,
                  "groupsPerNode": 2,
                  "initialNodes": [
                    {"nodeId": 1, "host": "127.0.0.1", "apiPort": 8000, "rpcPort": 41001, "raftPort": 42001},
                    {"nodeId": 2, "host": "127.0.0.1", "apiPort": 8001, "rpcPort": 41002, "raftPort": 42002}
                  ]
                }
                """);
        NodeIdentity old = NodeIdentityFile.read(node);
        assertThat(old.recordedTransport()).isEmpty();
        assertThat(old.raftTransport()).isEqualTo(RaftTransport.GRPC);
        assertThat(old.transportFor(Optional.empty())).isEqualTo(RaftTransport.GRPC);
        assertThat(old.transportFor(Optional.of(RaftTransport.NETTY))).isEqualTo(RaftTransport.NETTY);
        assertThat(old.self().raftPort()).isEqualTo(42002);
        // Written again (nothing does so today), it stays unrecorded rather than gaining a guess.
        assertThat(NodeIdentityFile.decode(NodeIdentityFile.encode(old))).isEqualTo(old);
        assertThat(NodeIdentityFile.encode(old)).doesNotContain("raftTransport");
    }

    @Test
    void aRecordedTransportIsKeptAndAnotherOneRefusedNamingBoth() {
        NodeIdentity grpc = new NodeIdentity(0x1fL, 2, NODES, 2, RaftTransport.GRPC);
        assertThat(grpc.transportFor(Optional.empty())).isEqualTo(RaftTransport.GRPC);
        assertThat(grpc.transportFor(Optional.of(RaftTransport.GRPC))).isEqualTo(RaftTransport.GRPC);
        assertThatThrownBy(() -> grpc.transportFor(Optional.of(RaftTransport.NETTY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node 2 belongs to a cluster on the grpc Raft transport (recorded in its node.json), not "
                        + "netty: every node of a cluster uses the same transport; start it without --raft-transport, "
                        + "or with --raft-transport grpc");
    }

    @Test
    void anUnknownTransportIsMalformed() throws IOException {
        Path node = Files.createDirectories(directory.resolve("node-1"));
        Files.writeString(node.resolve("node.json"), NodeIdentityFile.encode(new NodeIdentity(0x1fL, 1,
                NODES.subList(0, 1), 2, RaftTransport.NETTY)).replace("\"netty\"", "\"udp\""));
        assertThatThrownBy(() -> NodeIdentityFile.read(node)).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed").hasMessageContaining("unknown Raft transport 'udp'");
    }

    @Test
    void malformedOrNewerFilesAreRefusedWithTheirPath() throws IOException {
        Path node = Files.createDirectories(directory.resolve("node-1"));
        Files.writeString(node.resolve("node.json"), "{\"formatVersion\": 2}");
        assertThatThrownBy(() -> NodeIdentityFile.read(node)).isInstanceOf(IOException.class)
                .hasMessageContaining("node.json").hasMessageContaining("unsupported formatVersion 2");
        Files.writeString(node.resolve("node.json"), "{\"formatVersion\": 1, \"nodeId\": ");
        assertThatThrownBy(() -> NodeIdentityFile.read(node)).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed");
        Files.writeString(node.resolve("node.json"), "{\"formatVersion\": 1}");
        assertThatThrownBy(() -> NodeIdentityFile.read(node)).isInstanceOf(IOException.class)
                .hasMessageContaining("\"initialNodes\" is missing");
    }

    @Test
    void identityChecksItsNodes() {
        assertThatThrownBy(() -> new NodeIdentity(1, 5, NODES, 2, RaftTransport.GRPC))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeIdentity(1, 1, List.of(NODES.get(1)), 2, RaftTransport.GRPC))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeAddress(1, "h", 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
