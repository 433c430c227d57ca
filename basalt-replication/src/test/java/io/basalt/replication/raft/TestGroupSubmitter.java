package io.basalt.replication.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.basalt.partition.PartitionId;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.OperationList;
import io.basalt.partition.log.PartitionEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group's submission queue without Ratis (docs/design/cluster.md §7.1): a transport that records what it is
 * handed, blocks when told to (as Ratis' submission may), and answers when the test says.
 */
@Timeout(60)
class TestGroupSubmitter {
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ExecutorService answers = Executors.newFixedThreadPool(2);

    @AfterEach
    void shutdown() throws InterruptedException {
        executor.shutdownNow();
        answers.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** One call of the transport: what it was handed, and the answer the test completes. */
    private record Sent(LogEntry entry, long generation, CompletableFuture<Void> answer) {
        List<Long> sequences() {
            List<Long> sequences = new ArrayList<>();
            if (entry instanceof PartitionEntry single) {
                sequences.add(single.sequence());
            } else if (entry instanceof MultiEntry multi) {
                multi.entries().forEach(inner -> sequences.add(inner.sequence()));
            }
            return sequences;
        }
    }

    private static final class RecordingTransport implements GroupSubmitter.Transport {
        final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger maxConcurrentCalls = new AtomicInteger();
        /** While set, a call waits for it before returning (Ratis' submission waiting for its lock). */
        volatile CountDownLatch gate;
        /** Told the generation each call was handed, while it holds the call (the guard's view at append). */
        volatile GroupSubmitter submitter;
        final List<Boolean> currentAtCall = Collections.synchronizedList(new ArrayList<>());
        /** When set, every call is answered (successfully) on it, later, as Ratis answers on its own threads. */
        volatile ExecutorService answerOn;

        @Override
        public CompletableFuture<Void> send(LogEntry entry, long generation) {
            int concurrent = calls.incrementAndGet();
            maxConcurrentCalls.accumulateAndGet(concurrent, Math::max);
            try {
                CompletableFuture<Void> answer = new CompletableFuture<>();
                sent.add(new Sent(entry, generation, answer));
                CountDownLatch waitFor = gate;
                if (waitFor != null) {
                    waitFor.await();
                }
                if (submitter != null) {
                    currentAtCall.add(submitter.isCurrent(generation));
                }
                ExecutorService answering = answerOn;
                if (answering != null) {
                    answering.execute(() -> answer.complete(null));
                }
                return answer;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            } finally {
                calls.decrementAndGet();
            }
        }

        Sent get(int index) {
            return sent.get(index);
        }

        int size() {
            return sent.size();
        }
    }

    @Test
    void submitReturnsAtOnceWhileTheTransportIsBlocked() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        transport.gate = new CountDownLatch(1);
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 8, 1 << 20);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        long started = System.nanoTime();
        for (int sequence = 1; sequence <= 100; sequence++) {
            done.add(submitter.submit(entry(1, sequence)));
        }
        // Nothing waited for the blocked hand-over: a caller is a request worker or a network thread.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
        awaitTrue(() -> transport.size() == 1);
        assertThat(done).noneMatch(CompletableFuture::isDone);
        transport.gate.countDown();
        transport.gate = null;
        // The first hand-over took what waited when the drain began; the rest follows in one more.
        awaitTrue(() -> transport.sent.stream().mapToInt(sent -> sent.sequences().size()).sum() == 100);
        assertThat(transport.size()).isLessThanOrEqualTo(2);
        transport.sent.forEach(sent -> sent.answer().complete(null));
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void entriesThatWaitWhileASubmissionIsHandedOverTravelPackedAndInOrder() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        transport.gate = new CountDownLatch(1);
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 8, 1 << 20);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        done.add(submitter.submit(entry(1, 1)));
        awaitTrue(() -> transport.size() == 1);
        for (int sequence = 2; sequence <= 50; sequence++) {
            done.add(submitter.submit(entry(1, sequence)));
        }
        transport.gate.countDown();
        awaitTrue(() -> transport.size() == 2);
        assertThat(transport.get(0).entry()).isInstanceOf(PartitionEntry.class);
        assertThat(transport.get(1).entry()).isInstanceOf(MultiEntry.class);
        assertThat(transport.get(1).sequences()).containsExactlyElementsOf(sequences(2, 50));
        assertThat(submitter.submissions()).isEqualTo(2);
        assertThat(submitter.packedSubmissions()).isEqualTo(1);
        transport.get(0).answer().complete(null);
        transport.get(1).answer().complete(null);
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theWindowBoundsUnansweredSubmissionsAndAnAnswerSendsWhatWaited() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 2, 1 << 20);
        CompletableFuture<Void> first = submitter.submit(entry(1, 1));
        awaitTrue(() -> transport.size() == 1);
        submitter.submit(entry(1, 2));
        awaitTrue(() -> transport.size() == 2);
        CompletableFuture<Void> third = submitter.submit(entry(1, 3));
        CompletableFuture<Void> fourth = submitter.submit(entry(1, 4));
        Thread.sleep(200);
        assertThat(transport.size()).as("the window of 2 is full").isEqualTo(2);
        assertThat(submitter.waitingCount()).isEqualTo(2);
        transport.get(0).answer().complete(null);
        first.get(10, TimeUnit.SECONDS);
        awaitTrue(() -> transport.size() == 3);
        assertThat(transport.get(2).sequences()).containsExactly(3L, 4L);
        transport.get(1).answer().complete(null);
        transport.get(2).answer().complete(null);
        third.get(10, TimeUnit.SECONDS);
        fourth.get(10, TimeUnit.SECONDS);
    }

    @Test
    void packingStopsAtTheByteLimitAndOtherEntriesTravelAlone() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        transport.gate = new CountDownLatch(1);
        PartitionEntry sample = entry(1, 1);
        // The codec's bound of an entry's encoded size, which packing counts.
        long entryBytes = 48 + sample.approximateBytes() + 11L * sample.operations().size();
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 64, 3 * entryBytes);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        done.add(submitter.submit(entry(1, 1)));
        awaitTrue(() -> transport.size() == 1);
        for (int sequence = 2; sequence <= 8; sequence++) {
            done.add(submitter.submit(entry(1, sequence)));
        }
        MetaEntry meta = new MetaEntry(OperationList.builder(1).put(bytes("meta"), bytes("value")).build());
        done.add(submitter.submit(meta));
        done.add(submitter.submit(entry(1, 9)));
        transport.gate.countDown();
        awaitTrue(() -> transport.size() == 6);
        assertThat(transport.get(1).sequences()).containsExactly(2L, 3L, 4L);
        assertThat(transport.get(2).sequences()).containsExactly(5L, 6L, 7L);
        assertThat(transport.get(3).sequences()).containsExactly(8L);
        assertThat(transport.get(4).entry()).isSameAs(meta);
        assertThat(transport.get(5).sequences()).containsExactly(9L);
        transport.sent.forEach(sent -> sent.answer().complete(null));
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void anEntryLargerThanThePackLimitTravelsAlone() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        transport.gate = new CountDownLatch(1);
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 64, 1024);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        done.add(submitter.submit(entry(1, 1)));
        awaitTrue(() -> transport.size() == 1);
        PartitionEntry large = new PartitionEntry(new PartitionId(1), 1, 2, 0, 0,
                OperationList.builder(1).put(bytes("large"), new byte[4096]).build());
        done.add(submitter.submit(large));
        done.add(submitter.submit(entry(1, 3)));
        done.add(submitter.submit(entry(1, 4)));
        transport.gate.countDown();
        awaitTrue(() -> transport.size() == 3);
        assertThat(transport.get(1).entry()).as("split into parts by the transport, never packed").isSameAs(large);
        assertThat(transport.get(2).sequences()).containsExactly(3L, 4L);
        transport.sent.forEach(sent -> sent.answer().complete(null));
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFailedSubmissionFailsEveryEntryItCarriedAndTheQueueGoesOn() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        transport.gate = new CountDownLatch(1);
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 8, 1 << 20);
        CompletableFuture<Void> first = submitter.submit(entry(1, 1));
        awaitTrue(() -> transport.size() == 1);
        List<CompletableFuture<Void>> packed = new ArrayList<>();
        for (int sequence = 2; sequence <= 5; sequence++) {
            packed.add(submitter.submit(entry(1, sequence)));
        }
        transport.gate.countDown();
        transport.gate = null;
        awaitTrue(() -> transport.size() == 2);
        ProposalOutcome refused = new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED, "overloaded");
        transport.get(1).answer().completeExceptionally(refused);
        for (CompletableFuture<Void> future : packed) {
            assertThat(failureOf(future)).isSameAs(refused);
        }
        transport.get(0).answer().complete(null);
        first.get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> after = submitter.submit(entry(1, 6));
        awaitTrue(() -> transport.size() == 3);
        transport.get(2).answer().complete(null);
        after.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTransportThatThrowsFailsTheEntriesAndFreesItsSlot() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException broken = new IllegalStateException("server not started");
        GroupSubmitter submitter = new GroupSubmitter((entry, generation) -> {
            if (calls.incrementAndGet() == 1) {
                throw broken;
            }
            return CompletableFuture.completedFuture(null);
        }, executor, 1, 1 << 20);
        assertThat(failureOf(submitter.submit(entry(1, 1)))).isSameAs(broken);
        submitter.submit(entry(1, 2)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void losingLeadershipFailsWhatWaitsAndStartsANewGeneration() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 1, 1 << 20);
        CompletableFuture<Void> inFlight = submitter.submit(entry(1, 1));
        awaitTrue(() -> transport.size() == 1);
        CompletableFuture<Void> second = submitter.submit(entry(1, 2));
        CompletableFuture<Void> third = submitter.submit(entry(1, 3));
        long before = transport.get(0).generation();
        assertThat(submitter.isCurrent(before)).isTrue();

        submitter.abandon();

        for (CompletableFuture<Void> abandoned : List.of(second, third)) {
            assertThat(failureOf(abandoned)).isInstanceOfSatisfying(ProposalOutcome.class,
                    outcome -> assertThat(outcome.reason()).isEqualTo(ProposalOutcome.Reason.NOT_APPLIED));
        }
        assertThat(submitter.isCurrent(before)).as("the guard refuses the old generation").isFalse();
        // The submission already handed over resolves as the log says (here: applied).
        transport.get(0).answer().complete(null);
        inFlight.get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> next = submitter.submit(entry(1, 4));
        awaitTrue(() -> transport.size() == 2);
        assertThat(transport.get(1).generation()).isNotEqualTo(before);
        assertThat(submitter.isCurrent(transport.get(1).generation())).isTrue();
        transport.get(1).answer().complete(null);
        next.get(10, TimeUnit.SECONDS);
        assertThat(transport.size()).as("abandoned entries are never handed over").isEqualTo(2);
    }

    @Test
    void anEntryTakenJustBeforeLeadershipChangesIsRefusedByTheGuard() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        transport.gate = new CountDownLatch(1);
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 8, 1 << 20);
        transport.submitter = submitter;
        CompletableFuture<Void> taken = submitter.submit(entry(1, 1));
        awaitTrue(() -> transport.size() == 1);
        // The drain holds the entry inside the hand-over when leadership goes and comes back.
        submitter.abandon();
        submitter.leaderReady();
        transport.gate.countDown();
        awaitTrue(() -> transport.currentAtCall.size() == 1);
        assertThat(transport.currentAtCall).containsExactly(false);
        transport.get(0).answer().completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED,
                "refused at append"));
        assertThat(failureOf(taken)).isInstanceOf(ProposalOutcome.class);
    }

    @Test
    void entriesSubmittedBeforeTheTermWasReadyFail() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 1, 1 << 20);
        CompletableFuture<Void> first = submitter.submit(entry(1, 1));
        awaitTrue(() -> transport.size() == 1);
        CompletableFuture<Void> early = submitter.submit(entry(1, 2));
        submitter.leaderReady();
        assertThat(failureOf(early)).isInstanceOf(ProposalOutcome.class);
        transport.get(0).answer().complete(null);
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void concurrentSubmittersKeepEachPartitionsOrderWithOneHandOverAtATime() throws Exception {
        RecordingTransport transport = new RecordingTransport();
        transport.answerOn = answers;
        GroupSubmitter submitter = new GroupSubmitter(transport, executor, 4, 64 * 1024);
        int partitions = 8;
        int perPartition = 2_000;
        List<CompletableFuture<Void>> done = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int p = 1; p <= partitions; p++) {
            long table = p;
            Thread thread = new Thread(() -> {
                for (int sequence = 1; sequence <= perPartition; sequence++) {
                    done.add(submitter.submit(entry(table, sequence)));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(transport.maxConcurrentCalls.get()).as("one hand-over at a time").isEqualTo(1);
        long[] last = new long[partitions + 1];
        int entries = 0;
        for (Sent sent : List.copyOf(transport.sent)) {
            List<PartitionEntry> inner = sent.entry() instanceof MultiEntry multi ? multi.entries()
                    : List.of((PartitionEntry) sent.entry());
            for (PartitionEntry entry : inner) {
                int table = (int) entry.tableId();
                assertThat(entry.sequence()).as("partition %d's order", table).isEqualTo(last[table] + 1);
                last[table] = entry.sequence();
                entries++;
            }
        }
        assertThat(entries).isEqualTo(partitions * perPartition);
        assertThat(submitter.submissions()).as("packing cut the number of submissions")
                .isLessThan(partitions * perPartition);
    }

    private static PartitionEntry entry(long table, long sequence) {
        byte[] key = bytes("item-" + sequence);
        return new PartitionEntry(new PartitionId(table), table, sequence, 0, 0,
                OperationList.builder(1).put(key, bytes("value of item " + sequence)).build());
    }

    private static List<Long> sequences(long from, long to) {
        List<Long> sequences = new ArrayList<>();
        for (long sequence = from; sequence <= to; sequence++) {
            sequences.add(sequence);
        }
        return sequences;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Throwable failureOf(CompletableFuture<Void> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("expected a failure");
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within 10 s");
            }
            Thread.sleep(1);
        }
    }
}
