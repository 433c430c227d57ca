package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.log.GroupAdminEntry;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.PartEntry;
import io.basalt.partition.log.PartitionEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Submits a group's entries to its Raft leader in-process ({@code RaftServer.submitClientRequestAsync}: no Ratis
 * client, no network hop, as Ozone's servers submit), with group commit (docs/design/cluster.md §7.1): at most
 * {@code maxInFlight} submissions at a time; entries arriving while the window is full are packed into one
 * {@link MultiEntry} (up to {@code maxPackBytes}) when a submission returns.
 *
 * <p>An entry larger than one Raft entry is split into {@link PartEntry} parts submitted back to back
 * (docs/design/cluster.md §5.3).
 *
 * <p>The returned future says only what the submission learnt: success (committed and applied here), or
 * {@link ProposalOutcome.Reason#NOT_APPLIED} when Ratis refused the entry before logging it (not ready, overloaded,
 * too large). Any other failure is ambiguous — an appended entry may still commit under a new leader — so the caller
 * learns the outcome from the applied stream ({@link RaftReplicator}). Thread-safe.
 */
public final class GroupProposer {
    /** Room for a part's own header and Ratis' log entry fields around its chunk. */
    private static final long PART_OVERHEAD_BYTES = 1024;

    private final Supplier<RaftServer> server;
    private final RaftGroupId group;
    private final Executor submitter;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final int maxInFlight;
    private final long maxPackBytes;
    private final long maxEntryBytes;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;
    private long packedSubmissions;
    private long partedEntries;

    private record Waiting(PartitionEntry entry, CompletableFuture<Void> done) {
    }

    /**
     * @param maxEntryBytes the largest encoded entry Ratis accepts (its appender byte limit); larger ones are refused
     * @param submitter runs the reply handling and the next submission: never Ratis' reply thread, which may hold a
     *     Ratis lock that a new submission waits for
     */
    public GroupProposer(Supplier<RaftServer> server, RaftGroupId group, int maxInFlight, long maxPackBytes,
            long maxEntryBytes, Executor submitter) {
        this.server = requireNonNull(server, "server is null");
        this.submitter = requireNonNull(submitter, "submitter is null");
        this.group = requireNonNull(group, "group is null");
        if (maxInFlight < 1 || maxPackBytes < 1) {
            throw new IllegalArgumentException("maxInFlight and maxPackBytes must be positive");
        }
        this.maxInFlight = maxInFlight;
        this.maxPackBytes = maxPackBytes;
        this.maxEntryBytes = maxEntryBytes;
    }

    public CompletableFuture<Void> propose(PartitionEntry entry) {
        requireNonNull(entry, "entry is null");
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (inFlight >= maxInFlight) {
                waiting.add(new Waiting(entry, done));
                return done;
            }
            inFlight++;
            submit(entry, List.of(done));
        }
        return done;
    }

    /**
     * Proposes a metadata entry of the metadata group (docs/design/cluster.md §11). Completes when Ratis replies,
     * which it does once the entry is committed and applied on this member (the leader). Fails with a
     * {@link ProposalOutcome}: NOT_APPLIED when Ratis refused it before logging it, AMBIGUOUS when Ratis answered
     * that this member does not lead (it may have logged the entry while it still led: Ratis fails pending requests
     * with the same answer when its leader steps down, and a new leader may commit them), or Ratis' own failure.
     * It takes a window slot like any submission, so that entries waiting behind it keep their order.
     */
    public CompletableFuture<Void> proposeMeta(MetaEntry entry) {
        return proposeWhole(entry);
    }

    /**
     * Proposes a group-admin entry (§6.2 step 4) as {@link #proposeMeta} does: completes once it is committed and
     * applied on this member; fails on a member that does not lead the group.
     */
    public CompletableFuture<Void> proposeAdmin(GroupAdminEntry entry) {
        return proposeWhole(entry);
    }

    private CompletableFuture<Void> proposeWhole(LogEntry entry) {
        requireNonNull(entry, "entry is null");
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            inFlight++;
            send(LogEntryCodec.encode(entry), List.of(done));
        }
        CompletableFuture<Void> answered = new CompletableFuture<>();
        done.whenComplete((ignored, failure) -> {
            if (failure == null) {
                answered.complete(null);
            } else {
                answered.completeExceptionally(isNotLeader(failure) ? new ProposalOutcome(
                        ProposalOutcome.Reason.AMBIGUOUS, "metadata entry: " + failure) : failure);
            }
        });
        return answered;
    }

    private static boolean isNotLeader(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotLeaderException) {
                return true;
            }
        }
        return false;
    }

    /**
     * This member stopped leading: entries still waiting for a submission slot were never logged, and must not be
     * logged in a later term of this member (they were evaluated in a closed epoch), so they fail as not applied.
     */
    public void abandonWaiting() {
        List<Waiting> abandoned;
        synchronized (this) {
            abandoned = List.copyOf(waiting);
            waiting.clear();
        }
        for (Waiting entry : abandoned) {
            entry.done().completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED,
                    "leadership lost before the entry was submitted"));
        }
    }

    /** How many entries were split into parts (for tests and measurements). */
    public synchronized long partedEntries() {
        return partedEntries;
    }

    /** How many submissions carried a packed multi entry (for tests and measurements). */
    public synchronized long packedSubmissions() {
        return packedSubmissions;
    }

    /**
     * Hands one entry to Ratis. Called holding this proposer's lock, so that the group's log holds entries in the
     * order they were proposed: Ratis appends a request before {@code submitClientRequestAsync} returns, but from
     * several threads it may append concurrent requests in any order, and a partition's entries must reach the log
     * in sequence order (a later one first would be rejected).
     */
    private void submit(LogEntry entry, List<CompletableFuture<Void>> done) {
        byte[] encoded = LogEntryCodec.encode(entry);
        if (encoded.length <= maxEntryBytes) {
            send(encoded, done);
            return;
        }
        if (!(entry instanceof PartitionEntry whole)) {
            // Packing stays far below the limit; only a single partition entry can be this large.
            ProposalOutcome tooLarge = new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED, "a packed entry of "
                    + encoded.length + " bytes exceeds the group's limit of " + maxEntryBytes);
            submitter.execute(() -> submitted(done, null, tooLarge));
            return;
        }
        // Larger than one Raft entry: parts in consecutive submissions (§5.3). The last part's reply stands for the
        // entry; a part refused before it fails the entry at apply (the last part finds the run incomplete).
        int chunkSize = (int) (maxEntryBytes - PART_OVERHEAD_BYTES);
        int parts = (encoded.length + chunkSize - 1) / chunkSize;
        for (int part = 1; part <= parts; part++) {
            int from = (part - 1) * chunkSize;
            byte[] chunk = Arrays.copyOfRange(encoded, from, Math.min(encoded.length, from + chunkSize));
            byte[] encodedPart = LogEntryCodec.encode(new PartEntry(whole.partition(), whole.sequence(), part, parts,
                    chunk));
            send(encodedPart, part == parts ? done : List.of());
        }
        partedEntries++;
    }

    /** Hands one encoded entry to Ratis (holding the lock, see {@link #submit}). */
    private void send(byte[] encoded, List<CompletableFuture<Void>> done) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(server.get().getId())
                .setGroupId(group)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(encoded)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.get().submitClientRequestAsync(request);
        } catch (Exception e) {
            if (!done.isEmpty()) {
                submitter.execute(() -> submitted(done, null, e));
            }
            return;
        }
        if (!done.isEmpty()) {
            reply.whenCompleteAsync((answer, failure) -> submitted(done, answer, failure), submitter);
        }
    }

    private void submitted(List<CompletableFuture<Void>> done, RaftClientReply reply, Throwable failure) {
        Throwable outcome = failure;
        if (outcome == null && !reply.isSuccess()) {
            RaftException exception = reply.getException();
            outcome = exception == null ? new IllegalStateException("Ratis replied without success") : exception;
        }
        if (outcome != null && refusedBeforeLogging(outcome)) {
            outcome = new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED, outcome.toString());
        }
        for (CompletableFuture<Void> future : done) {
            if (outcome == null) {
                future.complete(null);
            } else {
                future.completeExceptionally(outcome);
            }
        }
        submitNext();
    }

    private static boolean refusedBeforeLogging(Throwable failure) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof LeaderNotReadyException || cause instanceof ResourceUnavailableException
                    || cause instanceof ProposalOutcome) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }

    /** One submission returned: packs what waited into the next one, or frees its slot. */
    private void submitNext() {
        List<PartitionEntry> entries = new ArrayList<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (this) {
            // Under the lock up to the submission: see submit().
            long bytes = 0;
            Waiting next;
            while ((next = waiting.peek()) != null && (entries.isEmpty()
                    || bytes + next.entry().approximateBytes() <= maxPackBytes)) {
                waiting.poll();
                entries.add(next.entry());
                done.add(next.done());
                bytes += next.entry().approximateBytes();
            }
            if (entries.isEmpty()) {
                inFlight--;
                return;
            }
            if (entries.size() > 1) {
                packedSubmissions++;
            }
            submit(entries.size() == 1 ? entries.get(0) : new MultiEntry(entries), done);
        }
    }
}
