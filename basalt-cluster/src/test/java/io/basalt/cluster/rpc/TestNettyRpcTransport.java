package io.basalt.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.partition.PartitionId;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NettyRpcTransport} over real sockets on 127.0.0.1: frames reach the peer and answers come back to the
 * request that asked, in any order and many at a time; a request never written fails as safe, one written to a
 * peer that dies or never answers fails as written; a restarted peer is reached again; oversized frames are refused;
 * faults are injected per peer; closing leaves no thread behind.
 */
class TestNettyRpcTransport {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    private final List<NettyRpcTransport> transports = new ArrayList<>();

    @AfterEach
    void close() {
        transports.forEach(NettyRpcTransport::close);
    }

    /** A request whose answer names what it asked: a NOT_LEADER whose group is the request's partition. */
    private static byte[] request(long callerId, long partition, int deadlineMillis) {
        return RpcCodec.encodeRequest(callerId, deadlineMillis,
                new RpcRequest.Release(new PartitionId(partition), partition, List.of()));
    }

    private static byte[] answer(byte[] requestFrame) {
        RpcCodec.Frame<RpcRequest> frame = RpcCodec.decodeRequest(requestFrame);
        RpcRequest.Release release = (RpcRequest.Release) frame.content();
        return RpcCodec.encodeResponse(frame.requestId(), release,
                new RpcResponse.NotLeader(release.partition().value(), release.transaction()));
    }

    private static long answeredPartition(byte[] responseFrame, long expectedId) {
        RpcCodec.Frame<RpcResponse> frame = RpcCodec.decodeResponse(responseFrame,
                new RpcRequest.Release(new PartitionId(1), 1, List.of()));
        assertThat(frame.requestId()).isEqualTo(expectedId);
        return ((RpcResponse.NotLeader) frame.content()).group();
    }

    private NettyRpcTransport server(RpcHandler handler) {
        return track(NettyRpcTransport.start(ANY, handler, 2));
    }

    private NettyRpcTransport track(NettyRpcTransport transport) {
        transports.add(transport);
        return transport;
    }

    private static RpcTransportException failure(CompletableFuture<?> call) {
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RpcTransportException.class);
        return (RpcTransportException) call.handle((value, failure) -> failure instanceof CompletionException
                ? failure.getCause() : failure).join();
    }

    @Test
    void manyRequestsInFlightFromManyThreadsEachGetTheirOwnAnswer() throws Exception {
        NettyRpcTransport server = server(frame -> {
            // Answers overtake each other: each waits a random few milliseconds.
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(new Random().nextInt(20), TimeUnit.MILLISECONDS)
                    .execute(() -> answer.complete(answer(frame)));
            return answer;
        });
        NettyRpcTransport client = track(NettyRpcTransport.client(2));
        RpcTransport peer = client.peer(server.localAddress());
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> checks = new CopyOnWriteArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int base = thread * 1_000;
                callers.submit(() -> {
                    for (int i = 1; i <= 500; i++) {
                        long partition = base + i;
                        // Every thread numbers its requests from 1: the transport must keep them apart.
                        checks.add(peer.call(request(i, partition, 10_000))
                                .thenAccept(bytes -> assertThat(answeredPartition(bytes, partition - base))
                                        .isEqualTo(partition)));
                    }
                }).get();
            }
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(checks).hasSize(2_000);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void answersComeBackInTheOrderThePeerGivesThem() throws Exception {
        ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
        AtomicInteger received = new AtomicInteger();
        NettyRpcTransport server = server(frame -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            held.add(() -> answer.complete(answer(frame)));
            received.incrementAndGet();
            return answer;
        });
        RpcTransport peer = track(NettyRpcTransport.client(1)).peer(server.localAddress());
        List<CompletableFuture<byte[]>> calls = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            calls.add(peer.call(request(i, i, 10_000)));
        }
        waitUntil(() -> received.get() == 50);
        List<Runnable> answers = new ArrayList<>(held);
        Collections.reverse(answers);
        List<Long> order = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> recorded = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            long partition = i + 1;
            recorded.add(calls.get(i).thenAccept(bytes -> order.add(answeredPartition(bytes, partition))));
        }
        answers.forEach(Runnable::run);
        CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(order).hasSize(50).first().isEqualTo(50L);
        assertThat(order).last().isEqualTo(1L);
    }

    @Test
    void aRequestToAPeerThatDiesBeforeAnsweringFailsAsWritten() throws Exception {
        AtomicInteger received = new AtomicInteger();
        NettyRpcTransport server = server(frame -> {
            received.incrementAndGet();
            return new CompletableFuture<>();
        });
        RpcTransport peer = track(NettyRpcTransport.client(1)).peer(server.localAddress());
        CompletableFuture<byte[]> call = peer.call(request(1, 1, 60_000));
        waitUntil(() -> received.get() == 1);
        server.close();
        RpcTransportException lost = failure(call);
        assertThat(lost.failure()).isEqualTo(RpcTransportException.Failure.CONNECTION_LOST);
        assertThat(lost.written()).isTrue();
    }

    @Test
    void aRequestToAPeerThatIsNotThereIsNeverWritten() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
        RpcTransport peer = track(NettyRpcTransport.client(1)).peer(nobody);
        RpcTransportException refused = failure(peer.call(request(1, 1, 5_000)));
        assertThat(refused.failure()).isEqualTo(RpcTransportException.Failure.NOT_WRITTEN);
        assertThat(refused.written()).isFalse();
    }

    @Test
    void aRestartedPeerIsReachedAgain() throws Exception {
        NettyRpcTransport first = server(frame -> CompletableFuture.completedFuture(answer(frame)));
        InetSocketAddress address = first.localAddress();
        RpcTransport peer = track(NettyRpcTransport.client(1)).peer(address);
        assertThat(answeredPartition(peer.call(request(1, 7, 5_000)).get(10, TimeUnit.SECONDS), 1)).isEqualTo(7);
        first.close();
        track(NettyRpcTransport.start(address, frame -> CompletableFuture.completedFuture(answer(frame)), 1));
        // The first call after the restart may still find the old connection; the peer is reached again after it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Long answered = null;
        while (answered == null && System.nanoTime() < deadline) {
            try {
                answered = answeredPartition(peer.call(request(2, 8, 5_000)).get(10, TimeUnit.SECONDS), 2);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(RpcTransportException.class);
                Thread.sleep(20);
            }
        }
        assertThat(answered).isEqualTo(8);
    }

    @Test
    void aRequestWhoseDeadlinePassesFailsAsTimedOut() {
        NettyRpcTransport server = server(frame -> new CompletableFuture<>());
        RpcTransport peer = track(NettyRpcTransport.client(1)).peer(server.localAddress());
        long start = System.nanoTime();
        RpcTransportException timedOut = failure(peer.call(request(1, 1, 200)));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(timedOut.failure()).isEqualTo(RpcTransportException.Failure.TIMED_OUT);
        assertThat(timedOut.written()).isTrue();
        assertThat(elapsed).isBetween(190L, 5_000L);
    }

    @Test
    void framesAboveTheCapAreRefusedOnBothSides() throws Exception {
        AtomicInteger received = new AtomicInteger();
        NettyRpcTransport server = server(frame -> {
            received.incrementAndGet();
            return CompletableFuture.completedFuture(answer(frame));
        });
        RpcTransport peer = track(NettyRpcTransport.client(1)).peer(server.localAddress());
        assertThatThrownBy(() -> peer.call(new byte[RpcCodec.MAX_FRAME_BYTES + 1]).join())
                .hasCauseInstanceOf(IllegalArgumentException.class);
        // A sender that ignores the cap: the server reads the length, refuses, and closes the connection at once.
        try (Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            int length = RpcCodec.MAX_FRAME_BYTES - 4 + 1;
            out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                    (byte) length, 1, 1});
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(received).hasValue(0);
        // A frame at the cap's side of the line still works on a fresh connection.
        assertThat(answeredPartition(peer.call(request(1, 3, 5_000)).get(10, TimeUnit.SECONDS), 1)).isEqualTo(3);
    }

    @Test
    void aCorruptFrameClosesItsConnection() throws Exception {
        NettyRpcTransport server = server(frame -> CompletableFuture.completedFuture(answer(frame)));
        try (Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            byte[] frame = request(1, 1, 1_000);
            frame[4] = 99; // a protocol version nobody speaks
            socket.getOutputStream().write(frame);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void injectedFaultsRefuseDropAndDelayPerPeer() throws Exception {
        AtomicInteger received = new AtomicInteger();
        NettyRpcTransport server = server(frame -> {
            received.incrementAndGet();
            return CompletableFuture.completedFuture(answer(frame));
        });
        NettyRpcTransport client = track(NettyRpcTransport.client(1));
        RpcTransport peer = client.peer(server.localAddress());

        client.injectFault(server.localAddress(), RpcFault.refuse());
        assertThat(failure(peer.call(request(1, 1, 5_000))).failure())
                .isEqualTo(RpcTransportException.Failure.NOT_WRITTEN);

        client.injectFault(server.localAddress(), RpcFault.drop());
        assertThat(failure(peer.call(request(2, 2, 200))).failure())
                .isEqualTo(RpcTransportException.Failure.TIMED_OUT);
        assertThat(received).hasValue(0);

        client.injectFault(server.localAddress(), RpcFault.delay(Duration.ofMillis(300)));
        long start = System.nanoTime();
        assertThat(answeredPartition(peer.call(request(3, 3, 5_000)).get(10, TimeUnit.SECONDS), 3)).isEqualTo(3);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(290);

        client.clearFault(server.localAddress());
        assertThat(answeredPartition(peer.call(request(4, 4, 5_000)).get(10, TimeUnit.SECONDS), 4)).isEqualTo(4);
        assertThat(received).hasValue(2);
    }

    @Test
    void closingLeavesNoThreadAndFailsWhatWasInFlight() throws Exception {
        AtomicInteger received = new AtomicInteger();
        NettyRpcTransport server = NettyRpcTransport.start(ANY, frame -> {
            received.incrementAndGet();
            return new CompletableFuture<>();
        }, 2);
        NettyRpcTransport client = NettyRpcTransport.client(2);
        RpcTransport peer = client.peer(server.localAddress());
        CompletableFuture<byte[]> call = peer.call(request(1, 1, 60_000));
        waitUntil(() -> received.get() == 1);
        client.close();
        assertThat(failure(call).written()).isTrue();
        assertThat(failure(peer.call(request(2, 2, 1_000))).failure())
                .isEqualTo(RpcTransportException.Failure.NOT_WRITTEN);
        server.close();
        waitUntil(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("basalt-rpc")));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
