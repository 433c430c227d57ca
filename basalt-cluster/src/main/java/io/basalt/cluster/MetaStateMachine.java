package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeDescriptor;
import io.basalt.cluster.node.NodeState;
import io.basalt.model.BasaltException;
import io.basalt.model.KeyAttribute;
import io.basalt.model.Limits;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.OperationList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The metadata state machine (docs/design/cluster.md §11): evaluates {@link MetaCommand}s one at a time on the
 * control sequencer against the applied catalog, and logs each result as a {@link MetaEntry} of absolute puts and
 * deletes. The entry goes through the group's log like any partition entry (on one node the local log, applied by
 * the local group with its applied index in one batch); once applied, the {@link Catalog} cache shows it and the
 * command returns. Evaluation reads no clock and no storage beyond the catalog: instants come with the command.
 *
 * <p>It is also the one allocator of ids: a command carries the ids allocated for it ({@link #allocateTableId}),
 * and its entry moves the counter past them.
 *
 * <p>Thread-safe: {@link #submit} and {@link #allocateTableId} hold the control sequencer (the node's control
 * lock), so commands are evaluated and applied strictly one after another and each sees the previous one's result.
 */
final class MetaStateMachine {
    /** The key spaces a dropped table's data lives in (every per-table space of the item store). */
    private static final byte[] TABLE_DATA_SPACES = {KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES,
        KeyLayout.INDEX_STATE, KeyLayout.COLLECTIONS, KeyLayout.PREPARED, KeyLayout.GSI_POSITIONS};

    private final Catalog catalog;
    private final Object sequencer;
    private final Function<MetaEntry, CompletableFuture<Void>> log;
    private long lastAllocatedTableId;
    /** The first partition id not yet handed out, applied or not. */
    private long nextPartitionId;
    private int lastAllocatedNodeId;
    private long lastAllocatedGroupId;

    /**
     * What a command evaluated to.
     *
     * @param entry what to log; null when the command changes nothing
     * @param table the table after the command (before it, for a DeleteTable); null when it is gone
     */
    record Evaluated(MetaEntry entry, TableMetadata table) {
    }

    /**
     * @param catalog the applied state, which the log's applies keep current
     * @param sequencer the lock that serializes control-plane work
     * @param log appends an entry to the group's log; completes once it is durable and applied
     */
    MetaStateMachine(Catalog catalog, Object sequencer, Function<MetaEntry, CompletableFuture<Void>> log) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.sequencer = requireNonNull(sequencer, "sequencer is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** A table id never given before, for a {@link MetaCommand.CreateTable} to carry. */
    long allocateTableId() {
        synchronized (sequencer) {
            lastAllocatedTableId = Math.max(catalog.nextTableId(), lastAllocatedTableId + 1);
            return lastAllocatedTableId;
        }
    }

    /** A node id never given before, for a {@link MetaCommand.RegisterNode} to carry (docs/design/cluster.md §13). */
    int allocateNodeId() {
        synchronized (sequencer) {
            lastAllocatedNodeId = Math.max(catalog.registry().nextNodeId(), lastAllocatedNodeId + 1);
            return lastAllocatedNodeId;
        }
    }

    /** A replication group id never given before, for a {@link MetaCommand.CreateGroup} to carry (§13.2). */
    long allocateGroupId() {
        synchronized (sequencer) {
            lastAllocatedGroupId = Math.max(catalog.registry().nextGroupId(), lastAllocatedGroupId + 1);
            return lastAllocatedGroupId;
        }
    }

    /**
     * Registers the node that answers at {@code host} on these ports, UP since {@code at}, and returns it; a node
     * already registered there (a join retried after its answer was lost) is returned as it is, with nothing logged.
     */
    NodeDescriptor registerNode(String host, int apiPort, int rpcPort, int raftPort, Instant at) {
        synchronized (sequencer) {
            Optional<NodeDescriptor> existing = catalog.registry().tryGetNodeAt(host, rpcPort, raftPort);
            if (existing.isPresent()) {
                return existing.get();
            }
            NodeDescriptor node = new NodeDescriptor(new NodeAddress(allocateNodeId(), host, apiPort, rpcPort,
                    raftPort), NodeState.UP, at);
            submit(new MetaCommand.RegisterNode(node));
            return node;
        }
    }

    /**
     * {@code count} consecutive partition ids never given before, the first returned, for a
     * {@link MetaCommand.CreateTable} to carry in its table's descriptors (docs/design/cluster.md §4.1).
     */
    long allocatePartitionIds(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        synchronized (sequencer) {
            long first = Math.max(catalog.nextPartitionId(), nextPartitionId);
            nextPartitionId = first + count;
            return first;
        }
    }

    /**
     * Evaluates {@code command}, logs its result and waits until it is applied.
     *
     * @return the table after the command (before it, for a DeleteTable); null when the table is gone, and for the
     *     membership commands (their result is in {@link Catalog#registry()})
     * @throws BasaltException a DynamoDB error the command's checks raise (nothing is logged)
     * @throws TableChangedException the command expected a table version that is no longer current
     */
    TableMetadata submit(MetaCommand command) {
        synchronized (sequencer) {
            return propose(evaluate(command));
        }
    }

    /** Logs what {@link #evaluate} returned and waits until it is applied. Call holding the sequencer. */
    TableMetadata propose(Evaluated evaluated) {
        if (evaluated.entry() != null) {
            try {
                log.apply(evaluated.entry()).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        return evaluated.table();
    }

    /** What {@code command} does to the current state; changes nothing. Call holding the sequencer. */
    Evaluated evaluate(MetaCommand command) {
        if (command instanceof MetaCommand.CreateTable create) {
            return createTable(create.table());
        }
        if (command instanceof MetaCommand.UpdateTable update) {
            return updateTable(update.tableName(), update.change());
        }
        if (command instanceof MetaCommand.DeleteTable delete) {
            return deleteTable(delete.table());
        }
        // Membership commands (§13) concern no table.
        return new Evaluated(MembershipCommands.evaluate(catalog.registry(), command), null);
    }

    private Evaluated createTable(TableMetadata table) {
        if (catalog.tryGet(table.name()).isPresent()) {
            throw BasaltException.resourceInUse("Table already exists: " + table.name());
        }
        if (table.id() < catalog.nextTableId()) {
            throw new IllegalArgumentException("table id " + table.id() + " was given before");
        }
        List<PartitionDescriptor> created = new ArrayList<>(table.partitions());
        created.addAll(newIndexPartitions(table, table.globalIndexes()));
        OperationList.Builder operations = OperationList.builder(3);
        operations.put(KeyLayout.catalogKey(table.name()), TableMetadataCodec.encode(table));
        operations.put(Catalog.NEXT_TABLE_ID_KEY, Catalog.encodeCounter(table.id() + 1));
        operations.put(Catalog.NEXT_PARTITION_ID_KEY, Catalog.encodeCounter(nextPartitionIdAfter(created)));
        return new Evaluated(new MetaEntry(operations.build()), table);
    }

    /**
     * The partitions of {@code indexes} (global ones of {@code table}), which a command creates: every global index
     * must come with its partitions (docs/design/cluster.md §15).
     */
    private static List<PartitionDescriptor> newIndexPartitions(TableMetadata table, List<IndexMetadata> indexes) {
        List<PartitionDescriptor> partitions = new ArrayList<>();
        for (IndexMetadata index : indexes) {
            if (index.partitions().isEmpty()) {
                throw new IllegalArgumentException("global index " + index.name() + " of table " + table.name()
                        + " has no partitions");
            }
            partitions.addAll(index.partitions());
        }
        return partitions;
    }

    /** The next partition id once {@code created} exist; refuses ids given before. */
    private long nextPartitionIdAfter(List<PartitionDescriptor> created) {
        long next = catalog.nextPartitionId();
        for (PartitionDescriptor partition : created) {
            if (partition.id().value() < catalog.nextPartitionId()) {
                throw new IllegalArgumentException("partition id " + partition.id().value() + " was given before");
            }
            next = Math.max(next, partition.id().value() + 1);
        }
        return next;
    }

    private Evaluated deleteTable(TableMetadata table) {
        TableMetadata current = catalog.tryGet(table.name()).orElseThrow(() -> tableNotFound(table.name()));
        if (!current.equals(table)) {
            throw new TableChangedException(table.name());
        }
        OperationList.Builder operations = OperationList.builder(1 + TABLE_DATA_SPACES.length);
        operations.delete(KeyLayout.catalogKey(table.name()));
        for (byte keySpace : TABLE_DATA_SPACES) {
            operations.deleteRange(KeyLayout.tableStart(keySpace, table.id()),
                    KeyLayout.tableEnd(keySpace, table.id()));
        }
        return new Evaluated(new MetaEntry(operations.build()), table);
    }

    private Evaluated updateTable(String name, TableChange change) {
        TableMetadata current = catalog.tryGet(name).orElse(null);
        TableMetadata updated;
        if (change instanceof TableChange.Replace replace) {
            updated = expecting(name, current, replace.expected(), replace.updated());
        } else if (change instanceof TableChange.AddGlobalIndex add) {
            updated = expecting(name, current, add.expected(), add.updated());
        } else if (change instanceof TableChange.StartIndexDrop drop) {
            updated = expecting(name, current, drop.expected(), drop.updated());
        } else if (change instanceof TableChange.AddTags add) {
            updated = addTags(name, current, add.tags());
        } else if (change instanceof TableChange.RemoveTags remove) {
            updated = removeTags(name, current, remove.keys());
        } else if (change instanceof TableChange.IndexBackfilled backfilled) {
            updated = indexBackfilled(current, backfilled);
        } else if (change instanceof TableChange.PartitionBackfilled
                || change instanceof TableChange.IndexPartitionDropped) {
            // Gathered by the metadata group's leader (MetadataGroup.execute), which logs the change they add up to.
            throw new IllegalArgumentException("a partition's report is never logged: " + change);
        } else {
            updated = indexDropped(current, (TableChange.IndexDropped) change);
        }
        if (updated == current) {
            return new Evaluated(null, current);
        }
        OperationList.Builder operations = OperationList.builder(2);
        operations.put(KeyLayout.catalogKey(name), TableMetadataCodec.encode(updated));
        if (change instanceof TableChange.AddGlobalIndex add) {
            IndexMetadata added = updated.indexes().stream().filter(index -> index.id() == add.indexId())
                    .findFirst().orElseThrow();
            operations.put(Catalog.NEXT_PARTITION_ID_KEY, Catalog.encodeCounter(
                    nextPartitionIdAfter(newIndexPartitions(updated, List.of(added)))));
        }
        return new Evaluated(new MetaEntry(operations.build()), updated);
    }

    private static TableMetadata expecting(String name, TableMetadata current, TableMetadata expected,
            TableMetadata updated) {
        if (current == null || !current.equals(expected) || !expected.name().equals(name)) {
            throw new TableChangedException(name);
        }
        return updated.equals(current) ? current : updated;
    }

    private static TableMetadata addTags(String name, TableMetadata current, Map<String, String> tags) {
        if (current == null) {
            throw tableNotFound(name);
        }
        Map<String, String> merged = new LinkedHashMap<>(current.tags());
        merged.putAll(tags);
        // TagResource's own text (Tags.checkCount in the server checks CreateTable's tags the same way).
        if (merged.size() > Limits.MAX_TAGS_PER_RESOURCE) {
            throw BasaltException.validation("Number of Tags exceed the current limit for the provided ResourceArn");
        }
        return merged.equals(current.tags()) ? current : current.withTags(merged);
    }

    private static TableMetadata removeTags(String name, TableMetadata current, List<String> keys) {
        if (current == null) {
            throw tableNotFound(name);
        }
        Map<String, String> remaining = new LinkedHashMap<>(current.tags());
        keys.forEach(remaining::remove);
        return remaining.size() == current.tags().size() ? current : current.withTags(remaining);
    }

    private static TableMetadata indexBackfilled(TableMetadata current, TableChange.IndexBackfilled backfilled) {
        if (current == null || current.id() != backfilled.tableId()) {
            return current;
        }
        IndexMetadata index = current.indexes().stream().filter(i -> i.id() == backfilled.indexId()).findFirst()
                .orElse(null);
        if (index == null || index.phase() != IndexPhase.BACKFILLING) {
            return current;
        }
        return current.withIndex(index.name(), i -> i.backfilled(backfilled.readyAt()));
    }

    private static TableMetadata indexDropped(TableMetadata current, TableChange.IndexDropped dropped) {
        if (current == null || current.id() != dropped.tableId()
                || current.indexes().stream().noneMatch(i -> i.id() == dropped.indexId())) {
            return current;
        }
        List<IndexMetadata> remaining = new ArrayList<>(current.indexes());
        remaining.removeIf(i -> i.id() == dropped.indexId());
        // DynamoDB forgets the definitions of attributes no key uses any more.
        List<KeyAttribute> definitions = new ArrayList<>(current.attributeDefinitions());
        definitions.removeIf(definition -> !current.keySchema().isKeyAttribute(definition.name())
                && remaining.stream().noneMatch(i -> i.index().isKeyAttribute(definition.name())));
        return current.withIndexes(remaining, current.nextIndexId()).withAttributeDefinitions(definitions);
    }

    static BasaltException tableNotFound(String name) {
        return BasaltException.resourceNotFound("Requested resource not found: Table: " + name + " not found");
    }
}
