package io.basalt.cluster;

import static io.basalt.cluster.TransactionCoordinator.conflicts;
import static io.basalt.cluster.TransactionCoordinator.failureOf;
import static io.basalt.cluster.TransactionCoordinator.settled;
import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.TransactionCanceledException;
import io.basalt.partition.encoding.ItemCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongPredicate;

/**
 * TransactGetItems (docs/design/transactions.md): reads in two rounds over the partitions involved, as DynamoDB
 * does (no snapshot spans partitions, so the same code serves a cluster): the first reads every item and has each
 * partition watch the items it read; the second asks each partition whether any of them was written since. When
 * none was, every item stayed as read from its partition's first round to its second, and since every first round
 * ended before any second began, there is a moment when all of them held together. Otherwise the read starts over.
 * Items that stay held by transactions in progress (or written) cancel the read with TransactionConflict, as in
 * DynamoDB. Moved out of {@link TransactionCoordinator} unchanged in step 7.
 */
final class TransactionReader {
    private static final int READ_ATTEMPTS = 200;

    private final LongPredicate live;
    private final BiFunction<TableMetadata, byte[], PartitionId> router;
    private final PartitionClient partitions;
    private final Executor workers;

    TransactionReader(LongPredicate live, BiFunction<TableMetadata, byte[], PartitionId> router,
            PartitionClient partitions, Executor workers) {
        this.live = requireNonNull(live, "live is null");
        this.router = requireNonNull(router, "router is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.workers = requireNonNull(workers, "workers is null");
    }

    /** Reads the items of a TransactGetItems as they all were at one moment. */
    CompletableFuture<List<Item>> read(List<TransactionGet> gets) {
        Map<PartitionId, ReadGroup> groups = new LinkedHashMap<>();
        for (int i = 0; i < gets.size(); i++) {
            TransactionGet get = gets.get(i);
            if (!live.test(get.table().id())) {
                return CompletableFuture.failedFuture(BasaltException.resourceNotFound("Requested resource not found"));
            }
            byte[] key = KeyLayout.itemKey(get.table().id(), KeyLayout.BASE_TABLE_INDEX, get.table().keySchema(),
                    get.key());
            ReadGroup group = groups.computeIfAbsent(router.apply(get.table(), key),
                    partition -> new ReadGroup(partition, new ArrayList<>(), new ArrayList<>()));
            group.places().add(i);
            group.keys().add(key);
        }
        TransactionalRead read = new TransactionalRead(List.copyOf(groups.values()), gets.size());
        workers.execute(() -> read.attempt(0));
        return read.result;
    }

    /** The gets of one TransactGetItems that fall on one partition: their places in the request and item keys. */
    private record ReadGroup(PartitionId partition, List<Integer> places, List<byte[]> keys) {
    }

    /**
     * One TransactGetItems in progress: its rounds run as tasks on the workers, never blocking one, so that reads
     * which must try again do not hold up the transactions they wait for.
     */
    private final class TransactionalRead {
        private final List<ReadGroup> groups;
        private final boolean[] unsettled;
        private final CompletableFuture<List<Item>> result = new CompletableFuture<>();

        TransactionalRead(List<ReadGroup> groups, int count) {
            this.groups = groups;
            this.unsettled = new boolean[count];
        }

        void attempt(int attempt) {
            List<CompletableFuture<PartitionState.ReadRound>> firsts = new ArrayList<>(groups.size());
            for (ReadGroup group : groups) {
                firsts.add(partitions.readForTransaction(group.partition(), group.keys()));
            }
            settled(firsts).whenCompleteAsync((ignored, unused) -> afterFirstRound(attempt, firsts), workers);
        }

        private void afterFirstRound(int attempt, List<CompletableFuture<PartitionState.ReadRound>> firsts) {
            List<PartitionState.ReadRound> rounds = new ArrayList<>(groups.size());
            Throwable failed = null;
            boolean busy = false;
            for (int g = 0; g < groups.size(); g++) {
                PartitionState.ReadRound round = firsts.get(g).isCompletedExceptionally() ? null : firsts.get(g).join();
                rounds.add(round);
                if (round == null) {
                    failed = failureOf(firsts.get(g));
                    continue;
                }
                for (int j = 0; j < round.states().size(); j++) {
                    boolean read = round.states().get(j) == PartitionState.ReadState.READ;
                    unsettled[groups.get(g).places().get(j)] = !read;
                    busy |= !read;
                }
            }
            if (failed != null || busy) {
                for (int g = 0; g < groups.size(); g++) {
                    if (rounds.get(g) != null && rounds.get(g).watch() != null) {
                        partitions.validate(groups.get(g).partition(), rounds.get(g).watch());
                    }
                }
                if (failed != null) {
                    result.completeExceptionally(failed);
                } else {
                    // A transaction in progress holds an item, or a single write to one is in flight: both end
                    // within milliseconds, so try again for a while before cancelling as DynamoDB does.
                    retry(attempt);
                }
                return;
            }
            List<CompletableFuture<boolean[]>> seconds = new ArrayList<>(groups.size());
            for (int g = 0; g < groups.size(); g++) {
                seconds.add(partitions.validate(groups.get(g).partition(), rounds.get(g).watch()));
            }
            settled(seconds).whenCompleteAsync((ignored, unused) -> afterSecondRound(attempt, rounds, seconds),
                    workers);
        }

        private void afterSecondRound(int attempt, List<PartitionState.ReadRound> rounds,
                List<CompletableFuture<boolean[]>> seconds) {
            boolean changed = false;
            for (int g = 0; g < groups.size(); g++) {
                if (seconds.get(g).isCompletedExceptionally()) {
                    // The partition went away between the rounds (its table was deleted).
                    result.completeExceptionally(failureOf(seconds.get(g)));
                    return;
                }
                boolean[] written = seconds.get(g).join();
                for (int j = 0; j < written.length; j++) {
                    unsettled[groups.get(g).places().get(j)] = written[j];
                    changed |= written[j];
                }
            }
            if (changed) {
                retry(attempt);
                return;
            }
            try {
                Item[] items = new Item[unsettled.length];
                for (int g = 0; g < groups.size(); g++) {
                    List<byte[]> stored = rounds.get(g).items();
                    for (int j = 0; j < stored.size(); j++) {
                        items[groups.get(g).places().get(j)] = stored.get(j) == null ? null
                                : ItemCodec.decode(stored.get(j));
                    }
                }
                result.complete(Arrays.asList(items));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        private void retry(int attempt) {
            if (attempt + 1 >= READ_ATTEMPTS) {
                // Transactions or writes kept these items busy: report them as conflicts, as DynamoDB does.
                result.completeExceptionally(new TransactionCanceledException(conflicts(unsettled)));
            } else if (attempt < 20) {
                workers.execute(() -> attempt(attempt + 1));
            } else {
                CompletableFuture.delayedExecutor(200, TimeUnit.MICROSECONDS, workers)
                        .execute(() -> attempt(attempt + 1));
            }
        }
    }
}
