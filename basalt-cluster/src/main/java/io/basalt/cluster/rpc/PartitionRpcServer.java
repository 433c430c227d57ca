package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.Admission;
import io.basalt.cluster.PartitionClient;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.PartitionState;
import io.basalt.partition.TransactionWatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers request frames from the partitions this node leads: decodes each frame, calls the node's own
 * {@link PartitionClient} (its {@code LocalPartitionClient}), and encodes the answer. A refusal a client may see
 * travels as an ERROR frame with its code, text and (for a failed condition) the current item; anything else that
 * fails is an InternalServerError, logged here.
 *
 * <p>Before serving, a request passes the node's {@link Admission} (over its limits: OVERLOADED, §17) and its
 * {@link ServingGuard} for every partition it names (a partition this node does not serve now: NOT_LEADER,
 * WRONG_PARTITION or NOT_READY, for the sender's Router to act on; in a batch only the parts of such a partition
 * are refused, each with its own answer, and the sender routes those again: {@link BatchServing}).
 *
 * <p>A cluster node's server also takes table commands for the metadata group ({@code META_COMMAND}, a {@link
 * MetaCommandHandler}) and the membership frames ({@code NODE_JOIN}, {@code NODE_HEARTBEAT}, {@code
 * GROUP_MEMBER_ADD}/{@code REMOVE}, a {@link MembershipHandler}), which name no partition.
 *
 * <p>Where a call runs: writes and transaction rounds hand off to the partition's sequencer, as in-process calls
 * do; point and batch reads read storage on the thread that delivered the frame (a network transport's event loop),
 * except that a strong read on a cluster node first waits for its group's read barrier (up to 2 s, cluster.md §10)
 * without blocking that thread: its answer is completed by whichever thread passes the barrier (the partition
 * client's {@code getAsync}), so a slow barrier does not hold up the other frames and HTTP requests of the loop;
 * Query and Scan pages, which read up to 1 MB and evaluate filters, run on the {@code pageReads} executor when one
 * is given, so that a long page does not hold up the other frames of its event loop.
 *
 * <p>A transactional read's first round leaves a watch on the partition that its second round checks: the server
 * keeps it under a fresh id between the two rounds (a second round always follows a first one that left a watch).
 * Thread-safe.
 */
public final class PartitionRpcServer {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionRpcServer.class);

    private final PartitionClient local;
    /** DynamoDB's text for ServiceUnavailable (Developer Guide, "Error handling with DynamoDB", HTTP 503). */
    private static final String SERVICE_UNAVAILABLE =
            "DynamoDB is currently unavailable. (This should be a temporary state.)";

    private final ServingGuard guard;
    private final Admission admission;
    private final Executor pageReads;
    /** Table commands for the metadata leader: null on a node that serves none (one node, loopback). */
    private final MetaCommandHandler metaCommands;
    /** Join, heartbeat and member frames (step 13): null on a node that serves none. */
    private final MembershipHandler membership;
    /** A cluster node's share of the cluster-wide figures (null: the frames are answered with an error). */
    private final NodeFiguresHandler figures;
    private final BatchServing batches;
    private final ConcurrentHashMap<Long, TransactionWatch> watches = new ConcurrentHashMap<>();
    private final AtomicLong nextWatch = new AtomicLong();

    /** A server of every partition {@code local} holds, with the default admission limits (one node, loopback). */
    public PartitionRpcServer(PartitionClient local) {
        this(local, ServingGuard.SERVE_ALL, Admission.defaults());
    }

    /** A server that reads pages on the thread that delivered their frames. */
    public PartitionRpcServer(PartitionClient local, ServingGuard guard, Admission admission) {
        this(local, guard, admission, Runnable::run);
    }

    /**
     * @param pageReads where Query and Scan pages are read (a node's worker pool, not an event loop); a rejected
     *     hand-off answers InternalServerError
     */
    public PartitionRpcServer(PartitionClient local, ServingGuard guard, Admission admission, Executor pageReads) {
        this(local, guard, admission, pageReads, null);
    }

    /** A cluster node's server, which also takes table commands for the metadata group ({@code META_COMMAND}). */
    public PartitionRpcServer(PartitionClient local, ServingGuard guard, Admission admission, Executor pageReads,
            MetaCommandHandler metaCommands) {
        this(local, guard, admission, pageReads, metaCommands, null);
    }

    /** A cluster node's server that also serves the membership frames (docs/design/cluster.md §13, step 13). */
    public PartitionRpcServer(PartitionClient local, ServingGuard guard, Admission admission, Executor pageReads,
            MetaCommandHandler metaCommands, MembershipHandler membership) {
        this(local, guard, admission, pageReads, metaCommands, membership, null);
    }

    /** A cluster node's server that also serves {@code NODE_FIGURES} (cluster-wide statistics and index settings). */
    public PartitionRpcServer(PartitionClient local, ServingGuard guard, Admission admission, Executor pageReads,
            MetaCommandHandler metaCommands, MembershipHandler membership, NodeFiguresHandler figures) {
        this.membership = membership;
        this.figures = figures;
        this.local = requireNonNull(local, "local is null");
        this.guard = requireNonNull(guard, "guard is null");
        this.admission = requireNonNull(admission, "admission is null");
        this.pageReads = requireNonNull(pageReads, "pageReads is null");
        this.metaCommands = metaCommands;
        this.batches = new BatchServing(local, guard, PartitionRpcServer::refusal);
    }

    /** How many transactional reads are between their rounds (tests check that none is left behind). */
    public int watchesHeld() {
        return watches.size();
    }

    /**
     * Serves one request frame.
     *
     * @throws IllegalStateException when the frame cannot be decoded (nothing is served; a network server closes
     *     the connection, since it can no longer trust the stream's framing)
     */
    public CompletableFuture<byte[]> serve(byte[] requestFrame) {
        RpcCodec.Frame<RpcRequest> frame = RpcCodec.decodeRequest(requestFrame);
        RpcRequest request = frame.content();
        int size = requestFrame.length;
        if (!admission.tryAcquire(size)) {
            return CompletableFuture.completedFuture(RpcCodec.encodeResponse(frame.requestId(), request,
                    new RpcResponse.Overloaded()));
        }
        if (request instanceof RpcRequest.MetaCommandCall call) {
            return serveMetaCommand(frame.requestId(), call, size);
        }
        if (MembershipHandler.serves(request)) {
            return serveHandled(frame.requestId(), request, size, membership == null ? null : membership::handle);
        }
        if (NodeFiguresHandler.serves(request)) {
            return serveHandled(frame.requestId(), request, size, figures == null ? null : figures::handle);
        }
        CompletableFuture<Object> result;
        try {
            RpcResponse elsewhere = checkPartitions(request);
            if (elsewhere != null) {
                admission.release(size);
                return CompletableFuture.completedFuture(RpcCodec.encodeResponse(frame.requestId(), request,
                        elsewhere));
            }
            result = dispatch(request);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((value, failure) -> {
            admission.release(size);
            return RpcCodec.encodeResponse(frame.requestId(), request, answer(value, failure));
        });
    }

    /** A table command: the handler answers (or refuses) it; admission is held until it has. */
    private CompletableFuture<byte[]> serveMetaCommand(long requestId, RpcRequest.MetaCommandCall call, int size) {
        CompletableFuture<RpcResponse> answer;
        if (metaCommands == null) {
            answer = CompletableFuture.completedFuture(new RpcResponse.Error(new BasaltException(
                    ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error",
                    new UnsupportedOperationException("this node takes no table commands"))));
        } else {
            try {
                answer = metaCommands.handle(call.command());
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
        }
        return answer.handle((response, failure) -> {
            admission.release(size);
            return RpcCodec.encodeResponse(requestId, call, failure == null ? response
                    : new RpcResponse.Error(refusal(failure)));
        });
    }

    /** A frame that names no partition, answered by {@code handler} (null: an error); admission held until then. */
    private CompletableFuture<byte[]> serveHandled(long requestId, RpcRequest request, int size,
            Function<RpcRequest, CompletableFuture<RpcResponse>> handler) {
        CompletableFuture<RpcResponse> answer;
        if (handler == null) {
            answer = CompletableFuture.completedFuture(new RpcResponse.Error(new BasaltException(
                    ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error",
                    new UnsupportedOperationException("this node serves no " + request.kind() + " frames"))));
        } else {
            try {
                answer = handler.apply(request);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
        }
        return answer.handle((response, failure) -> {
            admission.release(size);
            return RpcCodec.encodeResponse(requestId, request, failure == null ? response
                    : new RpcResponse.Error(refusal(failure)));
        });
    }

    /** The guard's answer for the first partition of {@code request} this node does not serve, or null. */
    private RpcResponse checkPartitions(RpcRequest request) {
        if (request instanceof RpcRequest.Write write) {
            return guard.refusal(write.partition(), true);
        } else if (request instanceof RpcRequest.PointRead read) {
            return guard.refusal(read.partition(), false);
        } else if (request instanceof RpcRequest.PageRead read) {
            return guard.refusal(read.partition(), false);
        } else if (request instanceof RpcRequest.Prepare prepare) {
            return guard.refusal(prepare.partition(), true);
        } else if (request instanceof RpcRequest.Commit commit) {
            return guard.refusal(commit.partition(), true);
        } else if (request instanceof RpcRequest.Release release) {
            return guard.refusal(release.partition(), true);
        } else if (request instanceof RpcRequest.ReadRound round) {
            return guard.refusal(round.partition(), true);
        } else if (request instanceof RpcRequest.GlobalIndexApply apply) {
            return guard.refusal(apply.indexPartition(), true);
        }
        // A VALIDATE goes to the node holding its watch, wherever the partition's leader is now; PING names none;
        // batches are checked part by part as they are served (BatchServing).
        return null;
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<Object> dispatch(RpcRequest request) {
        if (request instanceof RpcRequest.Write write) {
            return widen(local.write(write.partition(), write.itemKey(), write.operation()));
        } else if (request instanceof RpcRequest.PointRead read) {
            return widen(local.getAsync(read.partition(), read.itemKey(), read.consistent()));
        } else if (request instanceof RpcRequest.PageRead read) {
            return CompletableFuture.supplyAsync(() -> local.readPage(read.partition(), read.plan()), pageReads)
                    .thenCompose(PartitionRpcServer::widen);
        } else if (request instanceof RpcRequest.BatchRead batch) {
            return widen(batches.read(batch));
        } else if (request instanceof RpcRequest.BatchWrite batch) {
            return batches.write(batch);
        } else if (request instanceof RpcRequest.Prepare prepare) {
            return widen(local.prepare(prepare.partition(), prepare.transaction(), prepare.timestamp(),
                    prepare.ledgerKey(), prepare.itemKeys(), prepare.operations()));
        } else if (request instanceof RpcRequest.Commit commit) {
            return widen(local.commit(commit.partition(), commit.transaction(), commit.timestamp()));
        } else if (request instanceof RpcRequest.Release release) {
            return widen(local.release(release.partition(), release.transaction(), release.itemKeys()));
        } else if (request instanceof RpcRequest.ReadRound round) {
            return local.readForTransaction(round.partition(), round.itemKeys()).thenApply(this::register);
        } else if (request instanceof RpcRequest.Validate validate) {
            TransactionWatch watch = watches.remove(validate.watch());
            if (watch == null) {
                throw new IllegalStateException("no transactional read holds watch " + validate.watch());
            }
            return widen(local.validate(validate.partition(), watch));
        } else if (request instanceof RpcRequest.GlobalIndexApply apply) {
            return widen(local.applyGlobalIndex(apply.indexPartition(), apply.batch()));
        } else if (request instanceof RpcRequest.Ping) {
            return CompletableFuture.completedFuture(null);
        }
        // META_COMMAND is served before dispatch (serveMetaCommand): no other kind with content reaches here.
        throw new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error",
                new UnsupportedOperationException("not served over the RPC yet: " + request.kind()));
    }

    private Object register(PartitionState.ReadRound round) {
        if (round.watch() == null) {
            return round;
        }
        long id = nextWatch.incrementAndGet();
        watches.put(id, round.watch());
        return new PartitionState.ReadRound(round.items(), round.states(), new RemoteWatch(id));
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Object> widen(CompletableFuture<?> future) {
        return (CompletableFuture<Object>) future;
    }

    /**
     * The answer to a served call: its value, the routing answer of a partition this node could not serve after all
     * (a cluster node's epoch not open yet, a leader deposed mid-write: the Router retries them), or the refusal.
     */
    private static RpcResponse answer(Object value, Throwable failure) {
        if (failure == null) {
            return new RpcResponse.Ok(value);
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return cause instanceof RpcRefusedException refused ? refused.response()
                : new RpcResponse.Error(refusal(failure));
    }

    /** What the sender is told of a failure: the refusal itself, or an InternalServerError for anything else. */
    private static BasaltException refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof BasaltException basalt) {
            return basalt;
        }
        if (cause instanceof RpcRefusedException) {
            // An ambiguous write of a batch: reported unprocessed (§12.3; BatchServing passes the others on).
            return new BasaltException(ErrorCode.SERVICE_UNAVAILABLE, SERVICE_UNAVAILABLE, cause);
        }
        LOG.error("Serving a partition call failed", cause);
        return new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", cause);
    }
}
