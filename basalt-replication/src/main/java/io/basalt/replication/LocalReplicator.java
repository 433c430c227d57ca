package io.basalt.replication;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.PartitionEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node replicator: the log is the storage engine's write-ahead log, and entries are applied by the same
 * {@link GroupStateMachine} a Raft follower runs (the local group). Entries are handed over as values, never
 * encoded: nothing but the storage WAL persists them here, so encoding would only cost time (docs/design/cluster.md
 * §6.1). Entries from every partition queue up; one committer thread applies everything queued as one atomic batch
 * and syncs it once (group commit), so
 * concurrent writers share an fsync and throughput grows with concurrency instead of being bound by fsync
 * latency. An entry is acknowledged only after the sync. Without syncs (the in-memory engine, or an operator who
 * chose speed over durability) there is nothing to share, so each entry is written at once on the appending thread
 * (a partition's sequencer, which keeps the partition's order) and no committer thread exists.
 *
 * <p>A storage failure is fatal: the entries evaluated after a failed one depended on it, so the replicator fails
 * the group and every later entry, and the node must be restarted (fail-stop, as a disk error leaves RocksDB
 * read-only anyway). So is an entry the state machine rejects: on the local log only a defect can cause one.
 */
public final class LocalReplicator implements Replicator {
    private static final Logger LOG = LoggerFactory.getLogger(LocalReplicator.class);
    private static final int MAX_GROUP_ENTRIES = 4096;
    private static final long MAX_GROUP_BYTES = 16L * 1024 * 1024;

    private final GroupStateMachine stateMachine;
    private final boolean sync;
    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    /** The group committer; null when entries are written on the appending thread. */
    private final Thread committer;
    /** Held (shared) by appends that write on their own thread, so that close() can wait for them. */
    private final ReentrantReadWriteLock directWrites = new ReentrantReadWriteLock();
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile Throwable failure;

    private record Queued(LogEntry entry, CompletableFuture<Void> done) {
        long approximateBytes() {
            return entry instanceof PartitionEntry partition ? partition.approximateBytes()
                    : ((MetaEntry) entry).approximateBytes();
        }

        String describe() {
            return entry instanceof PartitionEntry partition
                    ? "entry " + partition.sequence() + " of partition " + partition.partition() : "a metadata entry";
        }
    }

    /**
     * @param sync whether each group is synced before it is acknowledged; false only for the in-memory engine or
     *     when the operator chose speed over durability
     */
    public LocalReplicator(GroupStateMachine stateMachine, boolean sync) {
        this.stateMachine = requireNonNull(stateMachine, "stateMachine is null");
        this.sync = sync;
        if (sync) {
            this.committer = new Thread(this::commitLoop, "basalt-log-committer");
            this.committer.setDaemon(true);
            this.committer.start();
        } else {
            this.committer = null;
        }
    }

    @Override
    public CompletableFuture<Void> append(PartitionEntry entry) {
        return appendEntry(entry, sync);
    }

    /**
     * Appends a metadata entry (a catalog change, docs/design/cluster.md §11) to the same log, so the catalog
     * change and the applied index are written in one batch. It is synced before it is acknowledged even when
     * item writes are not, as the catalog always was: a table acknowledged to a client survives a crash.
     */
    public CompletableFuture<Void> appendMeta(MetaEntry entry) {
        return appendEntry(entry, true);
    }

    private CompletableFuture<Void> appendEntry(LogEntry entry, boolean syncEntry) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Throwable failed = failure;
        if (failed != null) {
            done.completeExceptionally(storageFailed(failed));
        } else if (closing) {
            done.completeExceptionally(shuttingDown());
        } else if (committer == null) {
            writeHere(entry, done, syncEntry);
        } else {
            queue.add(new Queued(entry, done));
            if (closed) {
                // close() may have drained the queue between our look at closing and the add: nobody else
                // would ever complete this entry.
                failLateAppends();
            }
        }
        return done;
    }

    private void writeHere(LogEntry entry, CompletableFuture<Void> done, boolean syncEntry) {
        directWrites.readLock().lock();
        try {
            if (closed) {
                done.completeExceptionally(shuttingDown());
                return;
            }
            commit(List.of(new Queued(entry, done)), List.of(entry), syncEntry);
        } finally {
            directWrites.readLock().unlock();
        }
    }

    private void commitLoop() {
        List<Queued> group = new ArrayList<>();
        List<LogEntry> entries = new ArrayList<>();
        while (true) {
            try {
                Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                group.add(first);
                entries.add(first.entry());
                long bytes = first.approximateBytes();
                Queued next;
                while (group.size() < MAX_GROUP_ENTRIES && bytes < MAX_GROUP_BYTES
                        && (next = queue.poll()) != null) {
                    group.add(next);
                    entries.add(next.entry());
                    bytes += next.approximateBytes();
                }
                commit(group, entries, sync);
                group.clear();
                entries.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void commit(List<Queued> group, List<LogEntry> entries, boolean syncGroup) {
        List<ApplyOutcome> outcomes = null;
        if (failure == null) {
            try {
                outcomes = stateMachine.applyNext(entries, syncGroup);
            } catch (RuntimeException | Error e) {
                LOG.error("Storage write failed; failing every pending and later write until restart", e);
                failure = e;
            }
        }
        for (int i = 0; i < group.size(); i++) {
            Queued queued = group.get(i);
            if (failure == null && outcomes.get(i) != ApplyOutcome.APPLIED) {
                // Only a sequencing defect gets here: the partition's later entries were evaluated on top of this
                // one, so they cannot apply either. Stop, as for a storage failure.
                failure = new IllegalStateException("the local log's state machine rejected "
                        + queued.describe());
                LOG.error("Failing every pending and later write until restart", failure);
            }
            Throwable failed = failure;
            if (failed == null) {
                queued.done().complete(null);
            } else {
                queued.done().completeExceptionally(storageFailed(failed));
            }
        }
    }

    private static BasaltException shuttingDown() {
        return new BasaltException(ErrorCode.SERVICE_UNAVAILABLE, "Server is shutting down");
    }

    private static BasaltException storageFailed(Throwable cause) {
        return new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", cause);
    }

    @Override
    public void close() {
        closing = true;
        if (committer == null) {
            directWrites.writeLock().lock();
            closed = true;
            directWrites.writeLock().unlock();
            return;
        }
        try {
            committer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // An append that raced with closing may have queued after the committer's last look; one that queues
        // after this drain sees closed and fails itself.
        closed = true;
        failLateAppends();
    }

    private void failLateAppends() {
        Queued late;
        while ((late = queue.poll()) != null) {
            late.done().completeExceptionally(shuttingDown());
        }
    }
}
