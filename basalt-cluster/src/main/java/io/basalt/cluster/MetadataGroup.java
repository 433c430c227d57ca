package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.node.NodeDescriptor;
import io.basalt.cluster.rpc.MetaCommandAnswer;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.MetaEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.IntFunction;

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
    /**
     * The table id and partition id a draft table carries ({@link #draft}): placeholders, which the leader replaces
     * by ids it allocates.
     */
    private static final long DRAFT_ID = 1;

    private final Object sequencer = new Object();
    private final Function<MetaEntry, CompletableFuture<Void>> log;
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private volatile GroupStateMachine machine;
    private volatile Catalog catalog;
    private volatile MetaStateMachine meta;
    /** The applied index of the member's last metadata entry: comparable between members (one log). */
    private volatile long catalogVersion;
    /**
     * The partitions' reports gathered while this member leads (under the sequencer): per "backfilled/table/index"
     * or "dropped/table/index", the partitions that have reported. Kept in memory only: the partitions report again
     * every second until the catalog moves on, so a new leader gathers them again (cluster.md §15, as built).
     */
    private final Map<String, Set<PartitionId>> reports = new HashMap<>();

    /**
     * @param log proposes an entry to the metadata group; completes once it is applied on this member, and fails on
     *     a member that does not lead the group
     */
    public MetadataGroup(Function<MetaEntry, CompletableFuture<Void>> log) {
        this.log = requireNonNull(log, "log is null");
    }

    /** Follows a freshly opened state machine of this member: its catalog is read from the machine's storage. */
    public void attach(GroupStateMachine opened) {
        Catalog fresh = new Catalog(opened.reader());
        opened.addMetaListener(entry -> {
            fresh.apply(entry);
            // The listener runs after the machine moved its applied index past the entry.
            catalogVersion = opened.appliedIndex();
            changeListeners.forEach(Runnable::run);
        });
        synchronized (sequencer) {
            machine = opened;
            catalog = fresh;
            meta = new MetaStateMachine(fresh, sequencer, log);
            catalogVersion = opened.appliedIndex();
        }
        changeListeners.forEach(Runnable::run);
    }

    Catalog catalog() {
        Catalog current = catalog;
        if (current == null) {
            throw new IllegalStateException("the metadata group's member is not open");
        }
        return current;
    }

    /** Whether the member's state machine is open (Ratis has started it). */
    public boolean isOpen() {
        return catalog != null;
    }

    /** The table of that name in this member's applied catalog. */
    public Optional<TableMetadata> tryGetTable(String name) {
        return catalog().tryGet(name);
    }

    /** Every table in this member's applied catalog. */
    public List<TableMetadata> tables() {
        return List.copyOf(catalog().all());
    }

    /** Client table names after {@code exclusiveStart} in this member's applied catalog. */
    public List<String> tableNamesAfter(String exclusiveStart, int limit) {
        return catalog().namesAfter(exclusiveStart, limit);
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

    /** The member's applied index of the metadata group (every entry, not only metadata ones). */
    public long appliedIndex() {
        GroupStateMachine current = machine;
        return current == null ? 0 : current.appliedIndex();
    }

    /** The applied index at which this member's catalog last changed: a version comparable between members. */
    public long catalogVersion() {
        return catalogVersion;
    }

    /** The nodes and groups in this member's applied catalog (docs/design/cluster.md §13). */
    public ClusterRegistry registry() {
        return catalog().registry();
    }

    /**
     * Evaluates a membership command on this member, which must lead the group, logs it and waits until it is
     * applied here (§13, step 13 as built).
     *
     * @throws IllegalArgumentException when the command contradicts the registry (nothing is logged)
     */
    public void executeMembership(MetaCommand command) {
        requireNonNull(command, "command is null");
        if (command instanceof MetaCommand.CreateTable || command instanceof MetaCommand.UpdateTable
                || command instanceof MetaCommand.DeleteTable) {
            throw new IllegalArgumentException("not a membership command: " + command);
        }
        currentMeta().submit(command);
    }

    /**
     * On the leader: registers the node answering at {@code host} on these ports (a join retried from the same
     * endpoints gets the node registered before) and returns it.
     */
    public NodeDescriptor registerNode(String host, int apiPort, int rpcPort, int raftPort, Instant at) {
        return currentMeta().registerNode(host, apiPort, rpcPort, raftPort, at);
    }

    /** On the leader: a replication group id never given before. */
    public long allocateGroupId() {
        return currentMeta().allocateGroupId();
    }

    private MetaStateMachine currentMeta() {
        MetaStateMachine current = meta;
        if (current == null) {
            throw new IllegalStateException("the metadata group's member is not open");
        }
        return current;
    }

    /** Calls {@code listener} after each metadata entry this member applies (and after a snapshot install). */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(requireNonNull(listener, "listener is null"));
    }

    /**
     * A table as the node receiving a CreateTable describes it before the metadata leader has allocated anything: its
     * definition, its indexes numbered, a creation time and the end of its CREATING phase, and a {@code TableId} UUID
     * (which the leader keeps, so that a command retried after an ambiguous failure can recognize its own table). Its
     * ids and its single partition are placeholders the leader replaces ({@link #execute}).
     */
    public static TableMetadata draft(TableDefinition definition, Instant now, Duration creationDelay) {
        requireNonNull(definition, "definition is null");
        Instant readyAt = now.plus(creationDelay);
        List<IndexMetadata> indexes = new ArrayList<>(definition.indexes().size());
        for (IndexDefinition index : definition.indexes()) {
            indexes.add(new IndexMetadata(index.withId(indexes.size() + 1), index.throughput(), IndexPhase.STEADY,
                    TableStatus.CREATING, readyAt));
        }
        PartitionDescriptor placeholder = PartitionDescriptor.open(new PartitionId(DRAFT_ID), DRAFT_ID, 0, -1L, 0);
        return new TableMetadata(definition.name(), DRAFT_ID, UUID.randomUUID().toString(), definition.keySchema(),
                definition.attributeDefinitions(), definition.billingMode(), definition.throughput(), now,
                definition.billingMode() == BillingMode.PAY_PER_REQUEST ? now : null, TableStatus.CREATING, readyAt,
                definition.deletionProtection(), definition.tableClass(), definition.tags(), List.of(placeholder),
                indexes, indexes.size() + 1);
    }

    /**
     * Evaluates a table command on this member, which must lead the group, logs its result and waits until it is
     * applied here. A CreateTable carries a {@link #draft}: the table gets its id, {@code partitionCount} partitions
     * and as many for each global index, placed in data groups by {@code placement}, and its times from
     * {@code now} (the draft's CREATING phase keeps its length). An AddGlobalIndex without partitions gets them the
     * same way.
     *
     * @param placement the data group of each of {@code count} new partitions
     * @throws io.basalt.model.BasaltException the command's refusal (nothing is logged)
     * @throws io.basalt.replication.raft.ProposalOutcome when this member cannot log it (not the leader: nothing
     *     applied; AMBIGUOUS: it lost the leadership meanwhile and the entry may still commit)
     */
    public MetaCommandAnswer execute(MetaCommand command, Instant now, int partitionCount,
            IntFunction<List<Long>> placement) {
        requireNonNull(command, "command is null");
        synchronized (sequencer) {
            MetaStateMachine current = meta;
            if (current == null) {
                throw new IllegalStateException("the metadata group's member is not open");
            }
            MetaCommand placed = command;
            if (command instanceof MetaCommand.UpdateTable update
                    && (update.change() instanceof TableChange.PartitionBackfilled
                    || update.change() instanceof TableChange.IndexPartitionDropped)) {
                placed = gather(update, now);
                if (placed == null) {
                    return new MetaCommandAnswer(appliedIndex(), catalog().tryGet(update.tableName()).orElse(null),
                            false);
                }
            } else if (command instanceof MetaCommand.CreateTable create) {
                placed = new MetaCommand.CreateTable(place(current, create.table(), now, partitionCount, placement));
            } else if (command instanceof MetaCommand.UpdateTable update
                    && update.change() instanceof TableChange.AddGlobalIndex add && add.indexPartitions().isEmpty()) {
                placed = new MetaCommand.UpdateTable(update.tableName(), add.withIndexPartitions(partitions(current,
                        add.expected().id(), add.indexId(), partitionCount, placement)));
            }
            try {
                TableMetadata table = current.submit(placed);
                return new MetaCommandAnswer(appliedIndex(), table, false);
            } catch (TableChangedException e) {
                return new MetaCommandAnswer(appliedIndex(), null, true);
            }
        }
    }

    /**
     * Records a partition's report; once every partition concerned has reported (every base partition of the table
     * for a backfill, every partition of the index for a drop), the change they add up to, else null (nothing to
     * log). A report for an index no longer in that phase is dropped. Call holding the sequencer.
     */
    private MetaCommand gather(MetaCommand.UpdateTable update, Instant now) {
        boolean dropped = update.change() instanceof TableChange.IndexPartitionDropped;
        long tableId;
        int indexId;
        PartitionId partition;
        if (update.change() instanceof TableChange.PartitionBackfilled report) {
            tableId = report.tableId();
            indexId = report.indexId();
            partition = report.partition();
        } else {
            TableChange.IndexPartitionDropped report = (TableChange.IndexPartitionDropped) update.change();
            tableId = report.tableId();
            indexId = report.indexId();
            partition = report.partition();
        }
        String key = (dropped ? "dropped/" : "backfilled/") + tableId + "/" + indexId;
        TableMetadata table = catalog().tryGet(update.tableName()).filter(found -> found.id() == tableId)
                .orElse(null);
        IndexMetadata index = table == null ? null : table.indexes().stream().filter(each -> each.id() == indexId)
                .findFirst().orElse(null);
        if (index == null || index.phase() != (dropped ? IndexPhase.DELETING : IndexPhase.BACKFILLING)) {
            reports.remove(key);
            return null;
        }
        Set<PartitionId> reported = reports.computeIfAbsent(key, ignored -> new HashSet<>());
        reported.add(partition);
        List<PartitionDescriptor> concerned = dropped ? index.partitions() : table.partitions();
        for (PartitionDescriptor each : concerned) {
            if (!reported.contains(each.id())) {
                return null;
            }
        }
        reports.remove(key);
        return new MetaCommand.UpdateTable(update.tableName(), dropped ? new TableChange.IndexDropped(tableId, indexId)
                : new TableChange.IndexBackfilled(tableId, indexId, now));
    }

    /** The draft with ids, partitions and times of its own (see {@link #execute}). */
    private static TableMetadata place(MetaStateMachine meta, TableMetadata draft, Instant now, int partitionCount,
            IntFunction<List<Long>> placement) {
        long tableId = meta.allocateTableId();
        Instant readyAt = now.plus(Duration.between(draft.creationTime(), draft.readyAt()));
        // The table's partitions first, then its global indexes' (as the single node numbers them).
        List<PartitionDescriptor> partitions = partitions(meta, tableId, KeyLayout.BASE_TABLE_INDEX, partitionCount,
                placement);
        List<IndexMetadata> indexes = new ArrayList<>(draft.indexes().size());
        for (IndexMetadata index : draft.indexes()) {
            IndexMetadata timed = new IndexMetadata(index.index(), index.throughput(), index.phase(),
                    index.pendingStatus(), readyAt);
            indexes.add(timed.global() ? timed.withPartitions(partitions(meta, tableId, index.id(), partitionCount,
                    placement)) : timed);
        }
        return new TableMetadata(draft.name(), tableId, draft.tableId(), draft.keySchema(),
                draft.attributeDefinitions(), draft.billingMode(), draft.throughput(), now,
                draft.lastUpdateToPayPerRequest() == null ? null : now, draft.pendingStatus(), readyAt,
                draft.deletionProtection(), draft.tableClass(), draft.tags(), partitions, indexes, draft.nextIndexId());
    }

    /** {@code count} new partitions of a table or index: equal hash ranges, fresh ids, groups by placement. */
    private static List<PartitionDescriptor> partitions(MetaStateMachine meta, long tableId, int indexId, int count,
            IntFunction<List<Long>> placement) {
        List<Long> groups = placement.apply(count);
        if (groups.size() != count) {
            throw new IllegalStateException("placement gave " + groups.size() + " groups for " + count + " partitions");
        }
        List<PartitionDescriptor> ranges = PartitionDescriptor.equalRanges(tableId, indexId,
                meta.allocatePartitionIds(count), count, groups.get(0));
        List<PartitionDescriptor> placed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PartitionDescriptor range = ranges.get(i);
            placed.add(new PartitionDescriptor(range.id(), range.tableId(), range.indexId(), range.hashFirst(),
                    range.hashLast(), groups.get(i), range.parent(), range.phase()));
        }
        return placed;
    }
}
