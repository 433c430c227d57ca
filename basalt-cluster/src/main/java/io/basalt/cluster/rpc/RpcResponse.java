package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.partition.PartitionId;

/**
 * The content of a response frame (docs/design/cluster.md §12.2). An {@link Ok}'s value depends on the request it
 * answers: {@link RpcCodec} reads it knowing the request's kind.
 */
public sealed interface RpcResponse {
    RpcKind kind();

    /**
     * The call's result: an {@code EvaluatedWrite} (WRITE), a {@code StoredItem} or null (point READ), a {@code
     * ReadResult} (page READ), per group per key a {@code StoredItem} or null (BATCH_READ), per write an {@code
     * EvaluatedWrite} or {@code BasaltException} (BATCH_WRITE), per operation a {@code Staged} or {@code
     * BasaltException} (TXN_PREPARE), the {@code EvaluatedWrite}s (TXN_COMMIT), a {@code PartitionState.ReadRound}
     * whose watch is a {@link RemoteWatch} (TXN_READ_ROUND), a {@code boolean[]} (TXN_VALIDATE), null (TXN_RELEASE,
     * PING).
     */
    record Ok(Object value) implements RpcResponse {
        @Override
        public RpcKind kind() {
            return RpcKind.OK;
        }
    }

    /** A refusal a client may see (a failed condition, a conflict, a validation error), passed through as is. */
    record Error(BasaltException error) implements RpcResponse {
        public Error {
            requireNonNull(error, "error is null");
        }

        @Override
        public RpcKind kind() {
            return RpcKind.ERROR;
        }
    }

    /** The receiver does not lead the partition's group; {@code leaderHint} is the node it believes does (0: none). */
    record NotLeader(long group, long leaderHint) implements RpcResponse {
        @Override
        public RpcKind kind() {
            return RpcKind.NOT_LEADER;
        }
    }

    /** The sender's partition map is stale: the receiver's is at {@code mapVersion}. */
    record WrongPartition(long mapVersion, PartitionId partition) implements RpcResponse {
        public WrongPartition {
            requireNonNull(partition, "partition is null");
        }

        @Override
        public RpcKind kind() {
            return RpcKind.WRONG_PARTITION;
        }
    }

    /** A new leader is still applying its backlog: retry shortly. */
    record NotReady() implements RpcResponse {
        @Override
        public RpcKind kind() {
            return RpcKind.NOT_READY;
        }
    }

    /** The write was certainly not applied: safe to send again. */
    record NotApplied() implements RpcResponse {
        @Override
        public RpcKind kind() {
            return RpcKind.NOT_APPLIED;
        }
    }

    /** The write may or may not have been applied: never retried (§7.3). */
    record Ambiguous() implements RpcResponse {
        @Override
        public RpcKind kind() {
            return RpcKind.AMBIGUOUS;
        }
    }

    /** The receiver's admission limits are exhausted. */
    record Overloaded() implements RpcResponse {
        @Override
        public RpcKind kind() {
            return RpcKind.OVERLOADED;
        }
    }
}
