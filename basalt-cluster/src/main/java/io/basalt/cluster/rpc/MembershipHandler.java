package io.basalt.cluster.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * Serves the membership frames on a cluster node (docs/design/cluster.md §13, step 13): {@code NODE_JOIN} (the
 * metadata leader registers the node; another node forwards it there), {@code NODE_HEARTBEAT} (the metadata leader
 * notes the sender alive), {@code GROUP_MEMBER_ADD} and {@code GROUP_MEMBER_REMOVE} (the receiving node adds or
 * removes its member of a group). Work that waits (Raft, the metadata log) runs off the network thread.
 */
@FunctionalInterface
public interface MembershipHandler {
    /**
     * @param request a {@link RpcRequest.NodeJoin}, {@link RpcRequest.NodeHeartbeat}, {@link RpcRequest.GroupMemberAdd}
     *     or {@link RpcRequest.GroupMemberRemove}
     * @return the answer: OK (with a {@link NodeJoinAnswer} for a join), NOT_LEADER or NOT_READY for the sender to
     *     try again, or ERROR
     */
    CompletableFuture<RpcResponse> handle(RpcRequest request);

    /** Whether {@code request} is one of the frames a {@link MembershipHandler} serves. */
    static boolean serves(RpcRequest request) {
        return request instanceof RpcRequest.NodeJoin || request instanceof RpcRequest.NodeHeartbeat
                || request instanceof RpcRequest.GroupMemberAdd || request instanceof RpcRequest.GroupMemberRemove;
    }
}
