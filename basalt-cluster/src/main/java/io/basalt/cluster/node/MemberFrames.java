package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransport;
import io.basalt.replication.raft.RaftPeerAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The membership frames a node sends (docs/design/cluster.md §13): {@code GROUP_MEMBER_ADD}/{@code REMOVE} to the
 * node that hosts a member — done in process when that is this node — and heartbeats and forwarded joins. It is the
 * {@link MembershipReconciler.MemberHosts} of the metadata leader. Thread-safe.
 */
final class MemberFrames implements MembershipReconciler.MemberHosts {
    private final ClusterNode node;
    private final Function<InetSocketAddress, RpcTransport> transports;
    private final AtomicLong requestIds = new AtomicLong();

    MemberFrames(ClusterNode node, Function<InetSocketAddress, RpcTransport> transports) {
        this.node = requireNonNull(node, "node is null");
        this.transports = requireNonNull(transports, "transports is null");
    }

    @Override
    public void addMember(NodeAddress host, long groupId, List<RaftPeerAddress> peers) throws IOException {
        addMember(host, groupId, peers, List.of());
    }

    /** Has {@code host} add its member of a group with these voters and listeners (idempotent). */
    void addMember(NodeAddress host, long groupId, List<RaftPeerAddress> peers, List<RaftPeerAddress> listeners)
            throws IOException {
        if (host.nodeId() == node.selfId()) {
            node.raft().addGroup(groupId, peers, listeners);
            return;
        }
        expectOk(host, new RpcRequest.GroupMemberAdd(groupId, peers, listeners));
    }

    @Override
    public void removeMember(NodeAddress host, long groupId) throws IOException {
        if (host.nodeId() == node.selfId()) {
            node.raft().removeGroup(groupId);
            return;
        }
        expectOk(host, new RpcRequest.GroupMemberRemove(groupId));
    }

    private void expectOk(NodeAddress host, RpcRequest request) throws IOException {
        RpcResponse response;
        try {
            response = send(host, request, NodeMembership.CHANGE_TIMEOUT)
                    .get(NodeMembership.CHANGE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(request.kind() + " to node " + host.nodeId() + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(request.kind() + " to node " + host.nodeId() + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (!(response instanceof RpcResponse.Ok)) {
            throw new IOException(request.kind() + " to node " + host.nodeId() + " answered " + response);
        }
    }

    /** Sends {@code request} to {@code target}; completes with its answer, or fails with the transport's failure. */
    CompletableFuture<RpcResponse> send(NodeAddress target, RpcRequest request, Duration deadline) {
        byte[] frame = RpcCodec.encodeRequest(requestIds.incrementAndGet(), (int) deadline.toMillis(), request);
        return transports.apply(target.rpcSocketAddress()).call(frame)
                .thenApply(answer -> RpcCodec.decodeResponse(answer, request).content());
    }

    /** Sends without waiting for or caring about the answer (a heartbeat: the next one follows in a second). */
    void sendQuietly(NodeAddress target, RpcRequest request, Duration deadline) {
        try {
            send(target, request, deadline).exceptionally(failure -> null);
        } catch (RuntimeException e) {
            // Not sent: the next heartbeat is.
        }
    }
}
