package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.MetaEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A node's member of the metadata group (group 0, docs/design/cluster.md §11): the catalog that the member's applied
 * metadata entries keep current — every voter reads its own — and, on the group's leader, the {@link MetaStateMachine}
 * that evaluates commands and proposes their entries through the group's log.
 *
 * <p>{@link #attach} is called with each freshly opened state machine of the member (at start, and after a snapshot
 * install replaced the storage), before Ratis applies anything to it; the catalog is rebuilt from that storage.
 * Thread-safe: commands are serialized on the member's control sequencer.
 */
public final class MetadataGroup {
    private final Object sequencer = new Object();
    private final Function<MetaEntry, CompletableFuture<Void>> log;
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private volatile Catalog catalog;
    private volatile MetaStateMachine meta;

    /**
     * @param log proposes an entry to the metadata group; completes once it is applied on this member, and fails on
     *     a member that does not lead the group
     */
    public MetadataGroup(Function<MetaEntry, CompletableFuture<Void>> log) {
        this.log = requireNonNull(log, "log is null");
    }

    /** Follows a freshly opened state machine of this member: its catalog is read from the machine's storage. */
    public void attach(GroupStateMachine machine) {
        Catalog fresh = new Catalog(machine.reader());
        machine.addMetaListener(entry -> {
            fresh.apply(entry);
            changeListeners.forEach(Runnable::run);
        });
        synchronized (sequencer) {
            catalog = fresh;
            meta = new MetaStateMachine(fresh, sequencer, log);
        }
        // A snapshot install replaced the catalog whole: whoever follows it reads it again.
        changeListeners.forEach(Runnable::run);
    }

    /**
     * Calls {@code listener} after each metadata entry this member applies and after each fresh open (on the
     * applying thread, after the catalog shows it: keep it short, never block).
     */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Whether this member's state machine is open (its catalog readable). */
    public boolean isOpen() {
        return catalog != null;
    }

    /** The table of that id in this member's applied catalog. */
    public Optional<TableMetadata> tryGetTable(long tableId) {
        for (TableMetadata table : catalog().all()) {
            if (table.id() == tableId) {
                return Optional.of(table);
            }
        }
        return Optional.empty();
    }

    /**
     * The next table id this member's catalog would allocate: every table id below it was created (and is in the
     * catalog unless it was deleted since).
     */
    public long nextTableId() {
        return catalog().nextTableId();
    }

    /** Up to {@code limit} table names after {@code exclusiveStart} (null: from the first), in name order. */
    public List<String> namesAfter(String exclusiveStart, int limit) {
        return catalog().namesAfter(exclusiveStart, limit);
    }

    private Catalog catalog() {
        Catalog current = catalog;
        if (current == null) {
            throw new IllegalStateException("the metadata group's member is not open");
        }
        return current;
    }

    /** The table of that name in this member's applied catalog. */
    public Optional<TableMetadata> tryGetTable(String name) {
        return catalog().tryGet(name);
    }

    /** Every table in this member's applied catalog. */
    public List<TableMetadata> tables() {
        return List.copyOf(catalog().all());
    }

    /**
     * Creates a table (evaluated on this member, which must lead the group): ids allocated, its partitions' hash
     * ranges equal, partition i in group {@code partitionGroups.get(i)}, status CREATING until {@code readyAt}.
     *
     * @throws BasaltException ResourceInUseException when a table of that name exists
     * @throws RuntimeException Ratis' refusal when this member does not lead the metadata group (nothing applied)
     */
    public TableMetadata createTable(TableDefinition definition, Instant now, Instant readyAt,
            List<Long> partitionGroups) {
        requireNonNull(definition, "definition is null");
        if (partitionGroups.isEmpty()) {
            throw new IllegalArgumentException("a table needs a partition");
        }
        synchronized (sequencer) {
            MetaStateMachine current = meta;
            if (current == null) {
                throw new IllegalStateException("the metadata group's member is not open");
            }
            List<IndexMetadata> indexes = new ArrayList<>(definition.indexes().size());
            for (IndexDefinition index : definition.indexes()) {
                indexes.add(new IndexMetadata(index.withId(indexes.size() + 1), index.throughput(), IndexPhase.STEADY,
                        TableStatus.CREATING, readyAt));
            }
            long tableId = current.allocateTableId();
            int count = partitionGroups.size();
            List<PartitionDescriptor> partitions = new ArrayList<>(count);
            List<PartitionDescriptor> ranges = PartitionDescriptor.equalRanges(tableId, KeyLayout.BASE_TABLE_INDEX,
                    current.allocatePartitionIds(count), count, partitionGroups.get(0));
            for (int i = 0; i < count; i++) {
                PartitionDescriptor range = ranges.get(i);
                partitions.add(new PartitionDescriptor(range.id(), range.tableId(), range.indexId(), range.hashFirst(),
                        range.hashLast(), partitionGroups.get(i), range.parent(), range.phase()));
            }
            TableMetadata table = new TableMetadata(definition.name(), tableId, UUID.randomUUID().toString(),
                    definition.keySchema(), definition.attributeDefinitions(), definition.billingMode(),
                    definition.throughput(), now, definition.billingMode() == BillingMode.PAY_PER_REQUEST ? now : null,
                    TableStatus.CREATING, readyAt, definition.deletionProtection(), definition.tableClass(),
                    definition.tags(), partitions, indexes, indexes.size() + 1);
            return current.submit(new MetaCommand.CreateTable(table));
        }
    }
}
