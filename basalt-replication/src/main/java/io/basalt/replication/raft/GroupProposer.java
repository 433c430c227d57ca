package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.log.GroupAdminEntry;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.PartEntry;
import io.basalt.partition.log.PartitionEntry;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Submits a group's entries to its Raft leader in-process ({@code RaftServer.submitClientRequestAsync}: no Ratis
 * client, no network hop, as Ozone's servers submit), through a {@link GroupSubmitter}: callers only enqueue; a drain
 * on the node's submission executor packs what waits into one {@link MultiEntry} (up to {@code maxPackBytes}) and
 * hands it to Ratis, with at most {@code maxInFlight} submissions awaiting their reply (docs/design/cluster.md §7.1).
 *
 * <p>An entry larger than one Raft entry is split into {@link PartEntry} parts submitted back to back
 * (docs/design/cluster.md §5.3).
 *
 * <p>The returned future says only what the submission learnt: success (committed and applied here), or
 * {@link ProposalOutcome.Reason#NOT_APPLIED} when Ratis refused the entry before logging it (not ready, overloaded,
 * too large, or submitted in an earlier leadership generation). Any other failure is ambiguous — an appended entry may
 * still commit under a new leader — so the caller learns the outcome from the applied stream
 * ({@link RaftReplicator}). Thread-safe.
 */
public final class GroupProposer {
    /** Room for a part's own header and Ratis' log entry fields around its chunk. */
    private static final long PART_OVERHEAD_BYTES = 1024;

    private final Supplier<RaftServer> server;
    private final RaftGroupId group;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final long maxEntryBytes;
    private final GroupSubmitter submitter;
    /** Each submitted request's generation, until Ratis appends or answers it (see {@link #mayAppend}). */
    private final Map<Long, Long> generations = new ConcurrentHashMap<>();
    private final AtomicLong partedEntries = new AtomicLong();
    private final AtomicLong refusedAtAppend = new AtomicLong();

    /** Ratis' answer to a request this proposer's guard refused at append: definitely not logged. */
    static final class StaleGenerationException extends StateMachineException {
        private static final long serialVersionUID = 1L;

        StaleGenerationException(long callId) {
            // false: refusing a stale entry is no reason for the leader to step down.
            super("call " + callId + " was submitted in an earlier leadership generation of this member", false);
        }
    }

    /**
     * @param maxPackBytes the most entry bytes packed into one submission (capped below {@code maxEntryBytes})
     * @param maxEntryBytes the largest encoded entry Ratis accepts (its appender byte limit); larger ones are split
     * @param executor runs the submissions (which may wait for Ratis) and the reply handling: never a caller's
     *     thread, nor Ratis' reply thread, which may hold a Ratis lock that a new submission waits for
     */
    public GroupProposer(Supplier<RaftServer> server, RaftGroupId group, int maxInFlight, long maxPackBytes,
            long maxEntryBytes, Executor executor) {
        this.server = requireNonNull(server, "server is null");
        this.group = requireNonNull(group, "group is null");
        this.maxEntryBytes = maxEntryBytes;
        // A pack must fit one Raft entry: only a single entry is ever split into parts (§5.3).
        this.submitter = new GroupSubmitter(this::send, executor, maxInFlight,
                Math.max(1, Math.min(maxPackBytes, maxEntryBytes - PART_OVERHEAD_BYTES)));
    }

    /** Queues a partition's entry behind every entry proposed before it; returns at once. */
    public CompletableFuture<Void> propose(PartitionEntry entry) {
        return submitter.submit(requireNonNull(entry, "entry is null"));
    }

    /**
     * Proposes a metadata entry of the metadata group (docs/design/cluster.md §11). Completes when Ratis replies,
     * which it does once the entry is committed and applied on this member (the leader). Fails with a
     * {@link ProposalOutcome}: NOT_APPLIED when Ratis refused it before logging it, AMBIGUOUS when Ratis answered
     * that this member does not lead (it may have logged the entry while it still led: Ratis fails pending requests
     * with the same answer when its leader steps down, and a new leader may commit them), or Ratis' own failure.
     * It queues like any entry, so that entries proposed after it keep their order.
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
        CompletableFuture<Void> answered = new CompletableFuture<>();
        submitter.submit(requireNonNull(entry, "entry is null")).whenComplete((ignored, failure) -> {
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
     * This member stopped leading: entries still waiting for a submission were never logged, and must not be
     * logged in a later term of this member (they were evaluated in a closed epoch), so they fail as not applied;
     * one already being handed to Ratis is refused at append ({@link #mayAppend}).
     */
    public void abandonWaiting() {
        submitter.abandon();
    }

    /** This member's term can take writes: nothing submitted before it is logged in it. */
    public void leaderReady() {
        submitter.leaderReady();
    }

    /**
     * Ratis' append guard ({@code StateMachine.preAppendTransaction}, which Ratis calls under the division's lock, as
     * it also holds while stepping down and while calling {@link #abandonWaiting}): whether {@code request} may still
     * be logged. A request of this proposer submitted in an earlier leadership generation may not: it was taken from
     * the queue just before leadership changed.
     *
     * @throws StateMachineException (not stepping down) when it may not; Ratis answers the request with it
     */
    public void checkAppend(RaftClientRequest request) throws StateMachineException {
        if (!mayAppend(request)) {
            // Ratis 3.3.0 keeps the pending-request permit it took for a request refused here until the term ends:
            // refusals happen only in the moment around a leadership change, a handful per term.
            refusedAtAppend.incrementAndGet();
            throw new StaleGenerationException(request.getCallId());
        }
    }

    boolean mayAppend(RaftClientRequest request) {
        if (!clientId.equals(request.getClientId())) {
            return true;
        }
        Long submittedIn = generations.remove(request.getCallId());
        return submittedIn == null || submitter.isCurrent(submittedIn);
    }

    /** How many entries were split into parts (for tests and measurements). */
    public long partedEntries() {
        return partedEntries.get();
    }

    /** How many requests the append guard refused (for tests and measurements). */
    public long refusedAtAppend() {
        return refusedAtAppend.get();
    }

    /** How many submissions carried a packed multi entry (for tests and measurements). */
    public long packedSubmissions() {
        return submitter.packedSubmissions();
    }

    /** How many submissions were handed to Ratis (for tests and measurements). */
    public long submissions() {
        return submitter.submissions();
    }

    /**
     * Hands one entry to Ratis (the submitter's transport: on its executor, in order, one call at a time). Ratis
     * appends a request before {@code submitClientRequestAsync} returns, so consecutive calls reach the log in
     * order, and a partition's entries keep their sequence order.
     */
    private CompletableFuture<Void> send(LogEntry entry, long generation) {
        byte[] encoded = LogEntryCodec.encode(entry);
        if (encoded.length <= maxEntryBytes) {
            return sendEncoded(encoded, generation);
        }
        if (!(entry instanceof PartitionEntry whole)) {
            // Packing stays far below the limit; only a single partition entry can be this large.
            return CompletableFuture.failedFuture(new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED,
                    "a packed entry of " + encoded.length + " bytes exceeds the group's limit of " + maxEntryBytes));
        }
        // Larger than one Raft entry: parts in consecutive submissions (§5.3). The last part's reply stands for the
        // entry; a part refused before it fails the entry at apply (the last part finds the run incomplete).
        int chunkSize = (int) (maxEntryBytes - PART_OVERHEAD_BYTES);
        int parts = (encoded.length + chunkSize - 1) / chunkSize;
        CompletableFuture<Void> last = null;
        for (int part = 1; part <= parts; part++) {
            int from = (part - 1) * chunkSize;
            byte[] chunk = Arrays.copyOfRange(encoded, from, Math.min(encoded.length, from + chunkSize));
            last = sendEncoded(LogEntryCodec.encode(new PartEntry(whole.partition(), whole.sequence(), part, parts,
                    chunk)), generation);
        }
        partedEntries.incrementAndGet();
        return last;
    }

    private CompletableFuture<Void> sendEncoded(byte[] encoded, long generation) {
        long callId = callIds.incrementAndGet();
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(server.get().getId())
                .setGroupId(group)
                .setCallId(callId)
                .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(encoded)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        generations.put(callId, generation);
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = submitter(server.get()).submitClientRequestAsync(request);
        } catch (Exception e) {
            generations.remove(callId);
            return CompletableFuture.failedFuture(outcome(e));
        }
        CompletableFuture<Void> answered = new CompletableFuture<>();
        reply.whenComplete((answer, failure) -> {
            // Still here: Ratis never ran the append guard for the call (refused as not the leader, not ready,
            // stepping down, overloaded), and every entry a leader logs passes it first (Ratis 3.3.0's
            // RaftLogBase.appendImpl calls preAppendTransaction before appending), so it is not in any log,
            // whatever Ratis answered: a NotLeaderException given to a request that arrived just after a
            // step-down is as certain a refusal as the stepping-down one (s18 failover, cluster.md).
            boolean neverAppended = generations.remove(callId) != null;
            Throwable outcome = failure;
            if (outcome == null && !answer.isSuccess()) {
                RaftException exception = answer.getException();
                outcome = exception == null ? new IllegalStateException("Ratis replied without success") : exception;
            }
            if (outcome == null) {
                answered.complete(null);
            } else if (neverAppended && !(outcome instanceof ProposalOutcome)) {
                answered.completeExceptionally(new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED,
                        "refused before it was appended: " + outcome));
            } else {
                answered.completeExceptionally(outcome(outcome));
            }
        });
        return answered;
    }

    /**
     * The group's division itself when it takes client requests (Ratis' {@code RaftServerImpl} does, through the
     * public {@link RaftClientAsynchronousProtocol}): the server's own entry point hands every request to its client
     * executor and joins it there, one more thread hand-off per submission that a drain (already off the callers'
     * threads) does not need. Otherwise, or when the group is not found, the server's entry point.
     */
    private RaftClientAsynchronousProtocol submitter(RaftServer raftServer) {
        try {
            if (raftServer.getDivision(group) instanceof RaftClientAsynchronousProtocol division) {
                return division;
            }
        } catch (IOException e) {
            // Not (or no longer) a member: the server's entry point answers with Ratis' own failure.
        }
        return raftServer;
    }

    private static Throwable outcome(Throwable failure) {
        return refusedBeforeLogging(failure)
                ? new ProposalOutcome(ProposalOutcome.Reason.NOT_APPLIED, failure.toString()) : failure;
    }

    /**
     * Whether Ratis refused the request before appending it. {@code LeaderSteppingDownException} is one: Ratis 3.3.0
     * throws it only from {@code RaftServerImpl.checkLeaderState}, before the append, while a leadership transfer is
     * under way (the leader balance after a node's restart); left ambiguous, such a write waited out the
     * ambiguous-write timeout as a 500 whenever no later entry of its partition was applied. {@code
     * NotLeaderException} is not: Ratis also answers with it the requests still pending when a leader steps down,
     * which may commit under the new leader.
     */
    private static boolean refusedBeforeLogging(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof LeaderNotReadyException || cause instanceof ResourceUnavailableException
                    || cause instanceof LeaderSteppingDownException || cause instanceof StaleGenerationException
                    || cause instanceof ProposalOutcome) {
                return true;
            }
        }
        return false;
    }
}
