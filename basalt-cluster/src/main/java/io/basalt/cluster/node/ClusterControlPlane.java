package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.ControlPlane;
import io.basalt.cluster.MetaCommand;
import io.basalt.cluster.TableChange;
import io.basalt.cluster.TableChangedException;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.MetadataGroup;
import io.basalt.cluster.rpc.MetaCommandAnswer;
import io.basalt.cluster.rpc.MetaCommandHandler;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransport;
import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.cluster.routing.Router;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.replication.raft.ProposalOutcome;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane of a cluster node (docs/design/cluster.md §11): table commands are evaluated by the metadata
 * group's leader. On that node a command runs on the node's own member; any other node sends it there in a
 * {@code META_COMMAND} frame, following NOT_LEADER hints and trying the group's other members, until the routing
 * deadline. Once answered, it waits (bounded) until this node's own copy of the catalog has applied as far as the
 * leader had, so that the client's next DescribeTable on this node sees its change.
 *
 * <p>Failures: a command refused by its checks fails with the refusal; no leader within the deadline is DynamoDB's
 * 503; a command that may have been logged without an answer (the leader lost its leadership while the entry was
 * pending, or the frame was lost after it was written) is retried on the new leader, and if the retry is refused, the
 * client gets a 500 — except for a CreateTable whose retry finds its own table (the draft's {@code TableId} UUID),
 * which succeeds.
 *
 * <p>It is also the node's {@link MetaCommandHandler}: the RPC server hands it the frames other nodes send, and it
 * runs them on one control thread (evaluation waits for the log). Thread-safe; close it.
 */
public final class ClusterControlPlane implements ControlPlane, MetaCommandHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterControlPlane.class);
    private static final long FIRST_BACKOFF_MILLIS = 10;
    private static final long MAX_BACKOFF_MILLIS = 200;
    /** How long an answered command waits for this node's catalog to catch up before answering anyway. */
    private static final Duration CATCH_UP = Duration.ofSeconds(5);

    private final ClusterNode node;
    private final Function<InetSocketAddress, RpcTransport> transports;
    private final Clock clock;
    private final Duration deadline;
    private final ExecutorService control;
    private final AtomicLong requestIds = new AtomicLong();

    /**
     * @param transports the RPC transport to a peer's RPC address
     * @param deadline how long a command may look for the metadata leader (the routing deadline)
     */
    public ClusterControlPlane(ClusterNode node, Function<InetSocketAddress, RpcTransport> transports, Clock clock,
            Duration deadline) {
        this.node = requireNonNull(node, "node is null");
        this.transports = requireNonNull(transports, "transports is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
        this.control = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "basalt-control-" + node.selfId());
            thread.setDaemon(true);
            return thread;
        });
    }

    private MetadataGroup metadata() {
        return node.metadata();
    }

    @Override
    public Optional<TableMetadata> tryGetTable(String name) {
        return metadata().tryGetTable(name);
    }

    @Override
    public List<TableMetadata> tables() {
        return metadata().tables();
    }

    @Override
    public List<String> tableNamesAfter(String exclusiveStart, int limit) {
        return metadata().tableNamesAfter(exclusiveStart, limit);
    }

    @Override
    public void addChangeListener(Runnable listener) {
        metadata().addChangeListener(listener);
    }

    @Override
    public TableMetadata createTable(TableDefinition definition, Duration creationDelay) {
        TableMetadata draft = MetadataGroup.draft(definition, clock.instant(), creationDelay);
        return submit(new MetaCommand.CreateTable(draft), definition.name());
    }

    @Override
    public TableMetadata updateTable(String name, TableChange change) {
        return submit(new MetaCommand.UpdateTable(name, change), name);
    }

    @Override
    public TableMetadata deleteTable(TableMetadata table) {
        return submit(new MetaCommand.DeleteTable(table), table.name());
    }

    private TableMetadata submit(MetaCommand command, String tableName) {
        MetaCommandAnswer answer = call(command);
        awaitCatalog(answer.version());
        if (answer.tableChanged()) {
            throw new TableChangedException(tableName);
        }
        return answer.table();
    }

    /** Waits until this node's catalog has applied {@code version}, for {@link #CATCH_UP} at most. */
    private void awaitCatalog(long version) {
        long until = System.nanoTime() + CATCH_UP.toNanos();
        while (metadata().appliedIndex() < version && System.nanoTime() < until) {
            sleep(2);
        }
    }

    // ---- the sending side ----

    /** Gets {@code command} evaluated by the metadata leader, following the retry rules in the class comment. */
    private MetaCommandAnswer call(MetaCommand command) {
        long until = System.nanoTime() + deadline.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean ambiguous = false;
        int nextMember = 0;
        OptionalInt hint = OptionalInt.empty();
        Throwable last = null;
        while (System.nanoTime() < until) {
            int target = hint.isPresent() ? hint.getAsInt() : node.leaderHint(StaticPlacement.METADATA_GROUP)
                    .orElse(0);
            hint = OptionalInt.empty();
            if (target == 0) {
                List<Integer> members = node.members(StaticPlacement.METADATA_GROUP);
                target = members.get(Math.floorMod(nextMember++, members.size()));
            }
            RpcResponse response;
            try {
                response = target == node.selfId() ? handle(command).get() : send(target, command, until);
            } catch (RpcTransportException e) {
                last = e;
                ambiguous |= e.written();
                hint = nextAfter(target);
                continue;
            } catch (ExecutionException e) {
                throw new IllegalStateException("the control thread failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Router.unavailable(e);
            }
            if (response instanceof RpcResponse.Ok ok) {
                return (MetaCommandAnswer) ok.value();
            }
            if (response instanceof RpcResponse.Error error) {
                return refused(command, error.error(), ambiguous);
            }
            last = new IllegalStateException("metadata node " + target + " answered " + response);
            if (response instanceof RpcResponse.NotLeader notLeader && notLeader.leaderHint() != 0
                    && notLeader.leaderHint() != target) {
                hint = OptionalInt.of((int) notLeader.leaderHint());
                continue;
            }
            ambiguous |= response instanceof RpcResponse.Ambiguous;
            sleep(backoff);
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            if (response instanceof RpcResponse.NotLeader) {
                hint = nextAfter(target);
            }
        }
        throw ambiguous ? Router.ambiguous(last) : Router.unavailable(last);
    }

    /** The metadata member after {@code node} in member order (to try when {@code node} could not be reached). */
    private OptionalInt nextAfter(int member) {
        List<Integer> members = node.members(StaticPlacement.METADATA_GROUP);
        int position = members.indexOf(member);
        return OptionalInt.of(members.get((position + 1) % members.size()));
    }

    /**
     * A refusal from the leader. After an attempt that may have been logged, a CreateTable refused because the
     * table exists succeeds if the table is its own; any other refusal then is a 500 (the first attempt may have
     * done what the retry was refused for).
     */
    private MetaCommandAnswer refused(MetaCommand command, BasaltException error, boolean ambiguous) {
        if (!ambiguous) {
            throw error;
        }
        if (command instanceof MetaCommand.CreateTable create && error.code() == ErrorCode.RESOURCE_IN_USE) {
            long until = System.nanoTime() + CATCH_UP.toNanos();
            do {
                Optional<TableMetadata> existing = metadata().tryGetTable(create.table().name());
                if (existing.isPresent() && existing.get().tableId().equals(create.table().tableId())) {
                    return new MetaCommandAnswer(metadata().appliedIndex(), existing.get(), false);
                }
                sleep(5);
            } while (System.nanoTime() < until);
        }
        throw Router.ambiguous(error);
    }

    private RpcResponse send(int target, MetaCommand command, long until) {
        NodeAddress address = node.node(target).orElseThrow(() -> new IllegalStateException("unknown node "
                + target));
        RpcRequest.MetaCommandCall request = new RpcRequest.MetaCommandCall(command);
        long id = requestIds.incrementAndGet();
        int remaining = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
        byte[] frame = RpcCodec.encodeRequest(id, remaining, request);
        try {
            byte[] answer = transports.apply(address.rpcSocketAddress()).call(frame).get(remaining + 1000L,
                    TimeUnit.MILLISECONDS);
            return RpcCodec.decodeResponse(answer, request).content();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RpcTransportException transport) {
                throw transport;
            }
            throw new RpcTransportException(RpcTransportException.Failure.CONNECTION_LOST, "META_COMMAND to node "
                    + target + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new RpcTransportException(RpcTransportException.Failure.TIMED_OUT, "META_COMMAND to node " + target
                    + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcTransportException(RpcTransportException.Failure.NOT_WRITTEN, "interrupted", e);
        }
    }

    // ---- the serving side ----

    @Override
    public CompletableFuture<RpcResponse> handle(MetaCommand command) {
        if (!node.leads(StaticPlacement.METADATA_GROUP)) {
            return CompletableFuture.completedFuture(notLeader());
        }
        return CompletableFuture.supplyAsync(() -> execute(command), control);
    }

    private RpcResponse execute(MetaCommand command) {
        try {
            return new RpcResponse.Ok(node.executeMeta(command, clock.instant()));
        } catch (ProposalOutcome outcome) {
            return answerFor(outcome);
        } catch (BasaltException refusal) {
            return new RpcResponse.Error(refusal);
        } catch (CompletionException e) {
            if (e.getCause() instanceof ProposalOutcome outcome) {
                return answerFor(outcome);
            }
            // Ratis refused the entry for a reason of its own (the member closing, for one): nothing was logged by
            // this member as leader, so the sender looks for the leader again.
            LOG.debug("The metadata group refused an entry", e);
            return notLeader();
        } catch (RuntimeException e) {
            LOG.error("A metadata command failed", e);
            return new RpcResponse.Error(Router.ambiguous(e));
        }
    }

    private RpcResponse answerFor(ProposalOutcome outcome) {
        return switch (outcome.reason()) {
            case AMBIGUOUS -> new RpcResponse.Ambiguous();
            case NOT_READY -> new RpcResponse.NotReady();
            case NOT_LEADER, NOT_APPLIED -> notLeader();
        };
    }

    private RpcResponse notLeader() {
        int hint = node.leaderHint(StaticPlacement.METADATA_GROUP).orElse(0);
        return new RpcResponse.NotLeader(StaticPlacement.METADATA_GROUP, hint == node.selfId() ? 0 : hint);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Router.unavailable(e);
        }
    }

    @Override
    public void close() {
        control.shutdownNow();
    }
}
