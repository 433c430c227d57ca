package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.PartitionEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A group's queue of entries on their way to its Raft log, with group commit (docs/design/cluster.md §7.1): callers
 * only enqueue ({@link #submit} returns at once); one drain at a time per group, on the executor, takes what waits,
 * packs consecutive partition entries into one {@link MultiEntry} (up to {@code maxPackBytes}) and hands it to the
 * {@link Transport}, keeping at most {@code maxInFlight} submissions unanswered. Entries that arrive while a submission
 * is being handed over, or while the window is full, wait and travel together in the next one, so the busier the
 * group, the fewer Raft entries per write.
 *
 * <p>Why a drain and not the caller: handing an entry to Ratis may wait (Ratis runs the submission on its client
 * executor and joins it, and appends under the division's lock, which commit processing also holds), and the callers
 * are a node's few request workers and network threads. Holding them, or a lock they need, across the hand-over
 * serialized a node's writes (docs/benchmarks.md, the cluster write figures of December 2026).
 *
 * <p>Order: the transport is called in submission order, one call at a time, never holding this object's lock, so a
 * partition's entries reach the log in sequence order (a later one first would be rejected at apply).
 *
 * <p>Leadership: every entry carries the <em>generation</em> it was submitted in. {@link #abandon} (leadership lost)
 * and {@link #leaderReady} (a new term can take writes) start a new generation and fail what still waits as not
 * applied: it was never logged, and must never be logged in a later term (it was evaluated in a closed epoch, §7.3).
 * An entry already taken by a drain when the generation changes is refused at append by the transport's guard,
 * which asks {@link #isCurrent} under the same Ratis lock that leadership changes hold.
 *
 * <p>Thread-safe. The executor must not be a thread of Ratis that a submission may wait for.
 */
final class GroupSubmitter {
    /** Hands one entry to the group's log. */
    interface Transport {
        /**
         * Appends {@code entry} (one entry, or several packed into a {@link MultiEntry}) submitted in
         * {@code generation}. Called on the submitter's executor, in submission order, one call at a time; it may
         * block until the log has taken (or refused) the entry, and returns a future of the log's answer: success,
         * or a failure ({@link ProposalOutcome} NOT_APPLIED when the entry was definitely not logged).
         */
        CompletableFuture<Void> send(LogEntry entry, long generation);
    }

    private record Waiting(LogEntry entry, long generation, CompletableFuture<Void> done) {
        boolean packable() {
            return entry instanceof PartitionEntry;
        }

        /**
         * An upper bound of the entry's encoded size: the codec's own estimate (a header of at most 48 bytes, the
         * keys and values, at most 11 bytes of tag and lengths per operation), so that a pack stays within the limit.
         */
        long bytes() {
            return entry instanceof PartitionEntry partitionEntry
                    ? 48 + partitionEntry.approximateBytes() + 11L * partitionEntry.operations().size() : 0;
        }
    }

    /** What one drain step hands to the transport: the entries of one submission, in order. */
    private record Batch(List<Waiting> entries, long generation) {
        LogEntry entry() {
            if (entries.size() == 1) {
                return entries.get(0).entry();
            }
            List<PartitionEntry> packed = new ArrayList<>(entries.size());
            for (Waiting waiting : entries) {
                packed.add((PartitionEntry) waiting.entry());
            }
            return new MultiEntry(packed);
        }
    }

    private final Transport transport;
    private final Executor executor;
    private final int maxInFlight;
    private final long maxPackBytes;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Submissions handed to the transport whose answer has not been handled yet. */
    private int inFlight;
    /** Whether a drain runs or is scheduled: at most one per group, which keeps the transport's calls in order. */
    private boolean draining;
    private volatile long generation;
    private long submissions;
    private long packedSubmissions;

    /**
     * @param maxInFlight how many submissions may await the log's answer at once (the window)
     * @param maxPackBytes how many encoded bytes the entries of one packed submission take at most (a single entry
     *     may be larger, and travels alone)
     */
    GroupSubmitter(Transport transport, Executor executor, int maxInFlight, long maxPackBytes) {
        this.transport = requireNonNull(transport, "transport is null");
        this.executor = requireNonNull(executor, "executor is null");
        if (maxInFlight < 1 || maxPackBytes < 1) {
            throw new IllegalArgumentException("maxInFlight and maxPackBytes must be positive");
        }
        this.maxInFlight = maxInFlight;
        this.maxPackBytes = maxPackBytes;
    }

    /**
     * Queues {@code entry} behind every entry submitted before it. Partition entries may be packed with their
     * neighbours; any other entry travels alone. The future completes with the log's answer.
     */
    CompletableFuture<Void> submit(LogEntry entry) {
        requireNonNull(entry, "entry is null");
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            waiting.add(new Waiting(entry, generation, done));
            if (draining || inFlight >= maxInFlight) {
                return done;
            }
            draining = true;
        }
        scheduleDrain();
        return done;
    }

    private void scheduleDrain() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The member is stopping: nothing queued will be logged by it.
            List<Waiting> stranded;
            synchronized (this) {
                draining = false;
                stranded = takeWaiting();
            }
            fail(stranded, "the member stopped before the entry was submitted");
        }
    }

    /** Hands batches to the transport until nothing waits or the window is full. Runs on the executor. */
    private void drain() {
        while (true) {
            Batch batch;
            synchronized (this) {
                if (waiting.isEmpty() || inFlight >= maxInFlight) {
                    draining = false;
                    return;
                }
                batch = nextBatch();
                inFlight++;
                submissions++;
                if (batch.entries().size() > 1) {
                    packedSubmissions++;
                }
            }
            CompletableFuture<Void> answer;
            try {
                answer = transport.send(batch.entry(), batch.generation());
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            // The answer may come on a Ratis thread that holds a Ratis lock: handle it (and drain again) here.
            answer.whenComplete((ignored, failure) -> onExecutor(() -> answered(batch, failure)));
        }
    }

    private void onExecutor(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // The member is stopping: answer here rather than leave the futures (and the drain flag) hanging.
            task.run();
        }
    }

    /** The first waiting entry and, when it is a partition entry, the partition entries after it that fit. */
    private Batch nextBatch() {
        Waiting first = waiting.poll();
        List<Waiting> entries = new ArrayList<>();
        entries.add(first);
        if (first.packable()) {
            long bytes = first.bytes();
            Waiting next;
            while ((next = waiting.peek()) != null && next.packable() && next.generation() == first.generation()
                    && bytes + next.bytes() <= maxPackBytes) {
                entries.add(waiting.poll());
                bytes += next.bytes();
            }
        }
        return new Batch(List.copyOf(entries), first.generation());
    }

    private void answered(Batch batch, Throwable answer) {
        Throwable failure = answer instanceof CompletionException && answer.getCause() != null
                ? answer.getCause() : answer;
        for (Waiting entry : batch.entries()) {
            if (failure == null) {
                entry.done().complete(null);
            } else {
                entry.done().completeExceptionally(failure);
            }
        }
        synchronized (this) {
            inFlight--;
            if (draining || waiting.isEmpty()) {
                return;
            }
            draining = true;
        }
        drain();
    }

    /**
     * This member stopped leading: a new generation starts, and what waits fails as not applied (never logged; it
     * must not be logged in a later term, having been evaluated in a closed epoch).
     */
    void abandon() {
        List<Waiting> abandoned;
        synchronized (this) {
            generation++;
            abandoned = takeWaiting();
        }
        failLater(abandoned, "leadership lost before the entry was submitted");
    }

    /**
     * This member's new term can take writes (Ratis' leader-ready): a new generation starts, so that nothing
     * submitted before it (while this member did not lead, by a closed epoch) is logged in this term.
     */
    void leaderReady() {
        List<Waiting> stale;
        synchronized (this) {
            generation++;
            stale = takeWaiting();
        }
        failLater(stale, "submitted before this member's term was ready");
    }

    /** Whether entries of {@code submittedIn} may still be logged (the transport's guard at append). */
    boolean isCurrent(long submittedIn) {
        return submittedIn == generation;
    }

    private List<Waiting> takeWaiting() {
        List<Waiting> taken = List.copyOf(waiting);
        waiting.clear();
        return taken;
    }

    /**
     * Fails {@code entries} on the executor: {@link #abandon} and {@link #leaderReady} are called on Ratis' thread
     * holding its division's lock, and the entries' callers would run there otherwise.
     */
    private void failLater(List<Waiting> entries, String why) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> fail(entries, why));
        } catch (RejectedExecutionException e) {
            fail(entries, why); // the node is stopping: nothing else will run them
        }
    }

    private static void fail(List<Waiting> entries, String why) {
        for (Waiting entry : entries) {
            entry.done().completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED, why));
        }
    }

    /** How many submissions were handed to the transport (for tests and measurements). */
    synchronized long submissions() {
        return submissions;
    }

    /** How many of them carried several entries packed into one (for tests and measurements). */
    synchronized long packedSubmissions() {
        return packedSubmissions;
    }

    /** How many entries wait for a submission. */
    synchronized int waitingCount() {
        return waiting.size();
    }
}
