package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.PartitionRpcServer;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransport;
import io.basalt.cluster.rpc.ServingGuard;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import io.basalt.replication.GlobalIndexLeader;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageReader;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A strong read served for an RPC frame waits for its group's read barrier (up to 2 s on a cluster node,
 * docs/design/cluster.md §10) without holding the event loop that delivered the frame ("s18 robustness"): with one
 * event loop and the barrier held, a PING, an eventual read and a second strong read's frame on the same loop are
 * still answered, and the held reads are answered once the barrier passes.
 */
class TestStrongReadsOffTheEventLoop {
    private static final PartitionId PARTITION = new PartitionId(7);
    private static final long GROUP = 3;

    /**
     * A node whose every group's barrier is the one future {@code barrier}; its {@code read} waits for it on the
     * caller, as {@code ClusterNode}'s synchronous form does, so a server calling it on the loop would block there.
     */
    private record HeldBarrier(CompletableFuture<Void> barrier, StorageReader storage, AtomicInteger consistentReads)
            implements ClusterPartitions {
        @Override
        public <T> T read(long groupId, boolean consistent, Function<StorageReader, T> read) {
            return readAsync(groupId, consistent, read).join();
        }

        @Override
        public <T> CompletableFuture<T> readAsync(long groupId, boolean consistent, Function<StorageReader, T> read) {
            assertThat(groupId).isEqualTo(GROUP);
            if (!consistent) {
                return CompletableFuture.completedFuture(read.apply(storage));
            }
            consistentReads.incrementAndGet();
            return barrier.thenApply(ignored -> read.apply(storage));
        }

        @Override
        public <T> T readReplica(long groupId, Function<StorageReader, T> read) {
            throw new UnsupportedOperationException("not read here");
        }

        @Override
        public PartitionLeader leader(long groupId, PartitionId partition) {
            throw new UnsupportedOperationException("no writes here");
        }

        @Override
        public GlobalIndexLeader indexLeader(long groupId, PartitionId partition) {
            throw new UnsupportedOperationException("no indexes here");
        }

        @Override
        public GroupGlobalIndexes globalIndexes() {
            throw new UnsupportedOperationException("no indexes here");
        }

        @Override
        public List<PartitionLeader> ledPartitions() {
            return List.of();
        }

        @Override
        public Throwable routingFailure(Throwable failure) {
            return failure;
        }
    }

    private static RpcResponse answer(CompletableFuture<byte[]> call, RpcRequest request) throws Exception {
        return RpcCodec.decodeResponse(call.get(5, TimeUnit.SECONDS), request).content();
    }

    @Test
    void aHeldBarrierDoesNotHoldUpOtherFramesOnItsLoop() throws Exception {
        CompletableFuture<Void> barrier = new CompletableFuture<>();
        AtomicInteger consistentReads = new AtomicInteger();
        PartitionMap map = PartitionMap.of(List.of(PartitionDescriptor.open(PARTITION, 1, 0, -1L, GROUP)));
        var pages = Executors.newSingleThreadExecutor();
        try (InMemoryStorageEngine storage = new InMemoryStorageEngine()) {
            LocalPartitionClient local = new LocalPartitionClient(
                    new HeldBarrier(barrier, storage, consistentReads), () -> map);
            PartitionRpcServer server = new PartitionRpcServer(local, ServingGuard.SERVE_ALL, Admission.defaults(),
                    pages);
            NettyRpcTransport serving = NettyRpcTransport.start(new InetSocketAddress("127.0.0.1", 0), server::serve,
                    1);
            NettyRpcTransport client = NettyRpcTransport.client(1);
            try {
                RpcTransport peer = client.peer(serving.localAddress());
                RpcRequest strong = new RpcRequest.PointRead(PARTITION, new byte[] {1}, true);
                RpcRequest strongBatch = new RpcRequest.BatchRead(List.of(new PartitionClient.KeyGroup(PARTITION,
                        List.of(new byte[] {2}, new byte[] {3}), true)));
                CompletableFuture<byte[]> held = peer.call(RpcCodec.encodeRequest(1, 10_000, strong));
                CompletableFuture<byte[]> heldBatch = peer.call(RpcCodec.encodeRequest(2, 10_000, strongBatch));

                // The same connection, so the same (only) event loop of the server.
                RpcRequest ping = new RpcRequest.Ping();
                assertThat(answer(peer.call(RpcCodec.encodeRequest(3, 10_000, ping)), ping))
                        .isInstanceOf(RpcResponse.Ok.class);
                RpcRequest eventual = new RpcRequest.PointRead(PARTITION, new byte[] {1}, false);
                assertThat(answer(peer.call(RpcCodec.encodeRequest(4, 10_000, eventual)), eventual))
                        .isEqualTo(new RpcResponse.Ok(null));
                assertThat(consistentReads).as("both strong frames reached the barrier").hasValue(3);
                assertThat(held).isNotDone();
                assertThat(heldBatch).isNotDone();

                barrier.complete(null);
                assertThat(answer(held, strong)).isEqualTo(new RpcResponse.Ok(null));
                assertThat(((RpcResponse.Ok) answer(heldBatch, strongBatch)).value())
                        .isEqualTo(List.of(Arrays.asList(null, null)));
            } finally {
                client.close();
                serving.close();
            }
        } finally {
            pages.shutdownNow();
        }
    }
}
