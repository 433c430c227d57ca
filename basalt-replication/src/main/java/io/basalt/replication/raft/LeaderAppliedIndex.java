package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * A follower's read index where Ratis' transport has no server-to-server ReadIndex call (Netty in 3.3.0:
 * {@code NettyRpcService} answers no READINDEX request and has no asynchronous server RPC, so Ratis' own
 * linearizable read on a follower fails; docs/design/cluster.md §10, "a follower's barrier on Netty"). The follower
 * sends the group's leader a linearizable read-only client request ({@link #QUERY}) over the transport's client RPC,
 * which Netty has. The leader answers it once its applied index has reached its read index (its lease, or a
 * ReadIndex round of heartbeats), with that applied index: every write acknowledged before the request was sent is at
 * or below it. The follower is up to date once its own applied index reaches it. The same two steps as Ratis'
 * ReadIndex, with the leader's applied index (at or above the read index) in place of the read index.
 *
 * <p>One Ratis client per group member, made on first use from the group's current configuration and remade after
 * a failure (the configuration may have changed). Thread-safe.
 */
final class LeaderAppliedIndex implements AutoCloseable {
    /** The query the state machine answers with its applied index ({@link RatisGroupStateMachine#query}). */
    static final ByteString QUERY = ByteString.copyFrom("basalt:applied-index", StandardCharsets.US_ASCII);
    private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(50, TimeUnit.MILLISECONDS);

    private final Supplier<RaftServer> server;
    private final RaftGroupId group;
    private final RaftTransport transport;
    private final Duration timeout;
    private final Executor executor;
    private RaftClient client;

    /**
     * @param executor where answers are handled and a failed client is closed: never the client's own event loop,
     *     which closing its connections would wait for
     */
    LeaderAppliedIndex(Supplier<RaftServer> server, RaftGroupId group, RaftTransport transport, Duration timeout,
            Executor executor) {
        this.server = requireNonNull(server, "server is null");
        this.group = requireNonNull(group, "group is null");
        this.transport = requireNonNull(transport, "transport is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    /** The leader's applied index once it is at or above the leader's read index; fails after about the timeout. */
    CompletableFuture<Long> fetch() {
        RaftClient current;
        RaftPeerId leader;
        try {
            leader = server.get().getDivision(group).getInfo().getLeaderId();
            if (leader == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("no leader is known"));
            }
            current = client();
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // To the leader this member knows, never to any member: a follower given a linearizable read would try
        // Ratis' own ReadIndex, which on Netty throws on the server's event loop and is never answered.
        return current.async().sendReadOnly(Message.valueOf(QUERY), leader)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(LeaderAppliedIndex::appliedIndex, executor)
                .whenCompleteAsync((index, failure) -> {
                    if (failure != null) {
                        discard(current);
                    }
                }, executor);
    }

    /** The state machine's answer to {@link #QUERY}: its applied index. */
    static Message answer(long appliedIndex) {
        return Message.valueOf(ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(appliedIndex).flip()));
    }

    private static long appliedIndex(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new IllegalStateException("the leader refused the read: " + reply.getException());
        }
        ByteString content = reply.getMessage().getContent();
        if (content.size() != Long.BYTES) {
            throw new IllegalStateException("the leader answered no applied index (" + content.size() + " bytes)");
        }
        return content.asReadOnlyByteBuffer().getLong();
    }

    private synchronized RaftClient client() throws IOException {
        if (client == null) {
            RaftGroup current = server.get().getDivision(group).getGroup();
            RaftProperties properties = new RaftProperties();
            properties.set("raft.rpc.type", transport.clientRpcType());
            RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                    TimeDuration.valueOf(timeout.toMillis(), TimeUnit.MILLISECONDS));
            int attempts = (int) Math.max(1, timeout.toMillis() / RETRY_SLEEP.toLong(TimeUnit.MILLISECONDS));
            client = RaftClient.newBuilder()
                    .setRaftGroup(current)
                    .setProperties(properties)
                    .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, RETRY_SLEEP))
                    .build();
        }
        return client;
    }

    private void discard(RaftClient failed) {
        synchronized (this) {
            if (client != failed) {
                return;
            }
            client = null;
        }
        closeQuietly(failed);
    }

    @Override
    public void close() {
        RaftClient current;
        synchronized (this) {
            current = client;
            client = null;
        }
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static void closeQuietly(RaftClient closing) {
        try {
            closing.close();
        } catch (IOException e) {
            // A client whose connections are already gone: nothing is left to release.
        }
    }
}
