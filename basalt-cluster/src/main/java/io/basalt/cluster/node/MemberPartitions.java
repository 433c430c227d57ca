package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.ClusterPartitions;
import io.basalt.cluster.GroupGlobalIndexes;
import io.basalt.cluster.rpc.RpcRefusedException;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.partition.PartitionId;
import io.basalt.replication.GlobalIndexLeader;
import io.basalt.replication.PartitionLeader;
import io.basalt.replication.raft.GroupMember;
import io.basalt.replication.raft.ProposalOutcome;
import io.basalt.replication.raft.RaftNode;
import io.basalt.storage.StorageReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The partitions of a cluster node's Raft members as the serving side reaches them ({@link ClusterPartitions},
 * docs/design/cluster.md §7.2, §10): a partition's leader in its group's open epoch, reads of a member's storage
 * after the group's read barrier, and every refusal of the members — Ratis' outcomes, a missing member, a barrier
 * that timed out — turned into the routing answer the Router acts on (NOT_LEADER with the leader this node knows,
 * NOT_READY, NOT_APPLIED, AMBIGUOUS). {@link ClusterNode} answers {@code ClusterPartitions} through it; the node keeps
 * the members' life cycle and the cluster's topology.
 *
 * <p>Thread-safe (the members are Ratis', the rest is immutable).
 */
final class MemberPartitions implements ClusterPartitions {
    /** A consistent read waits this long for its group's read barrier before the Router tries again (§10). */
    private static final Duration BARRIER_TIMEOUT = Duration.ofSeconds(2);

    private final RaftNode raft;
    private final GroupGlobalIndexes globalIndexes;
    private final int selfId;

    MemberPartitions(RaftNode raft, GroupGlobalIndexes globalIndexes, int selfId) {
        this.raft = requireNonNull(raft, "raft is null");
        this.globalIndexes = requireNonNull(globalIndexes, "globalIndexes is null");
        this.selfId = selfId;
    }

    /** The leader this node's member of the group knows of (empty: no member here, or no leader known). */
    OptionalInt leaderHint(long groupId) {
        if (raft.tryMember(groupId).isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return raft.leaderId(groupId).map(id -> OptionalInt.of(Integer.parseInt(id.substring(1))))
                    .orElse(OptionalInt.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public PartitionLeader leader(long groupId, PartitionId partition) {
        GroupMember member = raft.tryMember(groupId).orElseThrow(() -> new RpcRefusedException(notLeader(groupId)));
        try {
            return member.leadership().leader(partition);
        } catch (ProposalOutcome e) {
            throw new RpcRefusedException(answer(groupId, e.reason()));
        }
    }

    @Override
    public GlobalIndexLeader indexLeader(long groupId, PartitionId partition) {
        GroupMember member = raft.tryMember(groupId).orElseThrow(() -> new RpcRefusedException(notLeader(groupId)));
        if (!member.leadership().isLeading()) {
            throw new RpcRefusedException(notLeader(groupId));
        }
        GlobalIndexLeader leader = globalIndexes.indexLeader(groupId, partition);
        if (leader == null) {
            // Leading, but the partition is not open in the group yet or its epoch is being built.
            throw new RpcRefusedException(new RpcResponse.NotReady());
        }
        return leader;
    }

    @Override
    public GroupGlobalIndexes globalIndexes() {
        return globalIndexes;
    }

    @Override
    public <T> T read(long groupId, boolean consistent, Function<StorageReader, T> read) {
        return read(groupId, consistent, false, read);
    }

    @Override
    public <T> T readReplica(long groupId, Function<StorageReader, T> read) {
        return read(groupId, true, true, read);
    }

    @Override
    public <T> CompletableFuture<T> readAsync(long groupId, boolean consistent, Function<StorageReader, T> read) {
        return readAsync(groupId, consistent, false, read);
    }

    private <T> T read(long groupId, boolean consistent, boolean anyMember, Function<StorageReader, T> read) {
        try {
            return readAsync(groupId, consistent, anyMember, read).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * A read of this node's member of the group, after its barrier when consistent. The barrier's future is shared
     * by coalesced callers (GroupReads), so the 2 s bound goes on a copy; what follows the barrier runs on the thread
     * that completed it (GroupReads' submitter, never Ratis' own or an event loop).
     */
    private <T> CompletableFuture<T> readAsync(long groupId, boolean consistent, boolean anyMember,
            Function<StorageReader, T> read) {
        Optional<GroupMember> found = raft.tryMember(groupId);
        if (found.isEmpty()) {
            return CompletableFuture.failedFuture(new RpcRefusedException(notLeader(groupId)));
        }
        GroupMember member = found.get();
        if (!consistent) {
            try {
                return CompletableFuture.completedFuture(readStorage(member, read));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<Void> barrier = anyMember ? member.reads().replicaBarrier() : member.reads().barrier();
        CompletableFuture<Void> bounded = barrier.copy().orTimeout(BARRIER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return bounded.handle((ignored, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                throw new RpcRefusedException(cause instanceof ProposalOutcome outcome
                        ? answer(groupId, outcome.reason())
                        : cause instanceof TimeoutException ? new RpcResponse.NotReady() : notLeader(groupId));
            }
            return readStorage(member, read);
        });
    }

    private static <T> T readStorage(GroupMember member, Function<StorageReader, T> read) {
        try {
            return member.stateMachine().readStorage(read::apply);
        } catch (IllegalStateException e) {
            // Installing a snapshot or closing: another replica answers (§10).
            throw new RpcRefusedException(new RpcResponse.NotReady());
        }
    }

    @Override
    public List<PartitionLeader> ledPartitions() {
        List<PartitionLeader> leaders = new ArrayList<>();
        for (long groupId : raft.groupIds()) {
            raft.tryMember(groupId).ifPresent(member -> leaders.addAll(member.leadership().currentLeaders()));
        }
        return leaders;
    }

    @Override
    public Throwable routingFailure(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof ProposalOutcome outcome) {
            return new RpcRefusedException(switch (outcome.reason()) {
                case NOT_APPLIED -> new RpcResponse.NotApplied();
                case NOT_READY -> new RpcResponse.NotReady();
                case AMBIGUOUS -> new RpcResponse.Ambiguous();
                case NOT_LEADER -> new RpcResponse.NotLeader(0, 0);
            });
        }
        return failure;
    }

    private RpcResponse answer(long groupId, ProposalOutcome.Reason reason) {
        return switch (reason) {
            case NOT_LEADER -> notLeader(groupId);
            case NOT_READY -> new RpcResponse.NotReady();
            case NOT_APPLIED -> new RpcResponse.NotApplied();
            case AMBIGUOUS -> new RpcResponse.Ambiguous();
        };
    }

    /** NOT_LEADER with the leader this node knows of (0 when it knows none, or believes it leads itself). */
    private RpcResponse notLeader(long groupId) {
        OptionalInt hint = leaderHint(groupId);
        return new RpcResponse.NotLeader(groupId, hint.isPresent() && hint.getAsInt() != selfId
                ? hint.getAsInt() : 0);
    }
}
