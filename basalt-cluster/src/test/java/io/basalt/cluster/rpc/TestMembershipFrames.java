package io.basalt.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.replication.raft.RaftPeerAddress;
import io.basalt.replication.raft.RaftTransport;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code NODE_JOIN} frame (docs/design/cluster.md §13.1): a joining node's host and ports, answered with the
 * cluster id, its node id, groups per node, every node's address and the metadata voters; and the
 * {@code GROUP_MEMBER_ADD}/{@code REMOVE} frames (§13.2). Golden bytes pin them.
 */
class TestMembershipFrames {
    private static final RpcRequest.NodeJoin JOIN = new RpcRequest.NodeJoin("h", 8003, 9003, 10003);
    private static final NodeJoinAnswer ANSWER = new NodeJoinAnswer(0x0102_0304_0506_0708L, 4, 2,
            List.of(new NodeAddress(1, "h", 8000, 9000, 10000), new NodeAddress(4, "h", 8003, 9003, 10003)),
            List.of(1));

    @Test
    void goldenBytes() {
        // Ports as LEB128 varints: 8003 = c3 3e, 9003 = ab 46, 10003 = 93 4e; 8000 = c0 3e, 9000 = a8 46,
        // 10000 = 90 4e.
        String payload = "01" + "68" + "c33e" + "ab46" + "934e";
        String header = String.format("%08x", 1 + 1 + 8 + 4 + payload.length() / 2) + "01" + "0e"
                + "0000000000000007" + "000003e8";
        assertThat(hex(RpcCodec.encodeRequest(7, 1000, JOIN))).isEqualTo(header + payload);

        String answer = "0102030405060708" + "04" + "02" + "02" + "01" + "0168" + "c03e" + "a846" + "904e"
                + "04" + "0168" + "c33e" + "ab46" + "934e" + "01" + "01";
        String answerHeader = String.format("%08x", 1 + 1 + 8 + 4 + answer.length() / 2) + "01" + "80"
                + "0000000000000007" + "00000000";
        assertThat(hex(RpcCodec.encodeResponse(7, JOIN, new RpcResponse.Ok(ANSWER))))
                .isEqualTo(answerHeader + answer);
    }

    @Test
    void requestAndAnswerRoundTrip() {
        byte[] frame = RpcCodec.encodeRequest(3, 500, JOIN);
        assertThat(RpcCodec.decodeRequest(frame).content()).isEqualTo(JOIN);
        byte[] answer = RpcCodec.encodeResponse(3, JOIN, new RpcResponse.Ok(ANSWER));
        RpcResponse read = RpcCodec.decodeResponse(answer, JOIN).content();
        assertThat(((RpcResponse.Ok) read).value()).isEqualTo(ANSWER);
        for (int length = 0; length < frame.length; length++) {
            byte[] truncated = Arrays.copyOf(frame, length);
            assertThatThrownBy(() -> RpcCodec.decodeRequest(truncated)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aJoinWithAnInvalidPortIsRefused() {
        assertThatThrownBy(() -> new RpcRequest.NodeJoin("h", 0, 1, 2)).isInstanceOf(IllegalArgumentException.class);
        byte[] frame = RpcCodec.encodeRequest(3, 500, JOIN);
        // The same frame with an API port of 0.
        String payload = "0168" + "00" + "ab46" + "934e";
        byte[] zeroPort = HexFormat.of().parseHex(String.format("%08x", 1 + 1 + 8 + 4 + payload.length() / 2)
                + "010e" + "0000000000000003" + "000001f4" + payload);
        assertThat(frame).isNotEqualTo(zeroPort);
        assertThatThrownBy(() -> RpcCodec.decodeRequest(zeroPort)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invalid join request");
    }

    @Test
    void theAnswerIsTheJoinedNodesIdentity() {
        NodeIdentity identity = ANSWER.identity(RaftTransport.GRPC);
        assertThat(identity.isJoined()).isTrue();
        assertThat(identity.recordedTransport()).contains(RaftTransport.GRPC);
        assertThat(identity.clusterId()).isEqualTo(0x0102_0304_0506_0708L);
        assertThat(identity.self().apiPort()).isEqualTo(8003);
        assertThat(identity.metadataVoters()).extracting(NodeAddress::nodeId).containsExactly(1);
        assertThat(identity.groupsPerNode()).isEqualTo(2);
    }

    @Test
    void groupMemberFramesGoldenBytes() {
        RpcRequest.GroupMemberAdd add = new RpcRequest.GroupMemberAdd(5, List.of(new RaftPeerAddress("n1", "h:1", 1),
                new RaftPeerAddress("n4", "h:4")));
        // No listeners: a trailing count of 0.
        String payload = "0000000000000005" + "02" + "026e31" + "03683a31" + "01" + "026e34" + "03683a34" + "00"
                + "00";
        assertThat(hex(RpcCodec.encodeRequest(9, 0, add))).isEqualTo(String.format("%08x", 14 + payload.length() / 2)
                + "01" + "10" + "0000000000000009" + "00000000" + payload);
        assertThat(RpcCodec.decodeRequest(RpcCodec.encodeRequest(9, 0, add)).content()).isEqualTo(add);
        RpcRequest.GroupMemberAdd listener = new RpcRequest.GroupMemberAdd(0, List.of(new RaftPeerAddress("n1",
                "h:1", 0)), List.of(new RaftPeerAddress("n4", "h:4", 0)));
        assertThat(hex(RpcCodec.encodeRequest(9, 0, listener))).endsWith("01" + "026e34" + "03683a34");
        assertThat(RpcCodec.decodeRequest(RpcCodec.encodeRequest(9, 0, listener)).content()).isEqualTo(listener);
        RpcRequest.GroupMemberRemove remove = new RpcRequest.GroupMemberRemove(5);
        assertThat(hex(RpcCodec.encodeRequest(9, 0, remove))).isEqualTo(String.format("%08x", 14 + 8) + "01" + "11"
                + "0000000000000009" + "00000000" + "0000000000000005");
        RpcRequest.NodeHeartbeat heartbeat = new RpcRequest.NodeHeartbeat(4, List.of(2L, 7L));
        assertThat(hex(RpcCodec.encodeRequest(9, 0, heartbeat))).isEqualTo(String.format("%08x", 14 + 1 + 1 + 16)
                + "01" + "0f" + "0000000000000009" + "00000000" + "04" + "02" + "0000000000000002"
                + "0000000000000007");
        assertThat(RpcCodec.decodeRequest(RpcCodec.encodeRequest(9, 0, heartbeat)).content()).isEqualTo(heartbeat);
        byte[] answer = RpcCodec.encodeResponse(9, add, new RpcResponse.Ok(null));
        assertThat(hex(answer)).isEqualTo(String.format("%08x", 14) + "01" + "80" + "0000000000000009" + "00000000");
        assertThat(((RpcResponse.Ok) RpcCodec.decodeResponse(answer, add).content()).value()).isNull();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
