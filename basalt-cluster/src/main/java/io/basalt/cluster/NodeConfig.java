package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;

/**
 * How a node behaves, with the defaults a local developer expects.
 *
 * @param region the region reported in ARNs when a request does not name one in its credential scope
 * @param accountId the account id reported in ARNs (DynamoDB Local's convention of twelve zeros)
 * @param partitionsPerTable how many hash partitions a new table gets
 * @param tableCreationDelay how long a new table reports CREATING (DynamoDB takes seconds; zero keeps tests fast
 *     while still answering CREATING from CreateTable itself)
 * @param tableUpdateDelay how long an updated table reports UPDATING
 * @param syncWrites whether a write is acknowledged only after an fsync (the safe default)
 * @param clock the clock for timestamps and lifecycle; tests may control it
 * @param globalIndexPropagation how global secondary indexes follow writes (changeable while running, see
 *     {@link BasaltNode#setGlobalIndexPropagation})
 * @param loopbackRpc a test mode: every partition call of the node is encoded into an RPC frame, decoded, served,
 *     and its answer encoded and decoded again, in-process (docs/design/cluster.md §20 step 10); off by default
 * @param transactionResolveAfter how old a transaction's prepare record must be before its partition's resolver
 *     asks the ledger for its outcome and finishes it (docs/design/cluster.md §14); 5 seconds by default
 */
public record NodeConfig(String region, String accountId, int partitionsPerTable, Duration tableCreationDelay,
        Duration tableUpdateDelay, boolean syncWrites, Clock clock, GlobalIndexPropagation globalIndexPropagation,
        boolean loopbackRpc, Duration transactionResolveAfter) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_ACCOUNT_ID = "000000000000";

    public NodeConfig {
        requireNonNull(region, "region is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(tableCreationDelay, "tableCreationDelay is null");
        requireNonNull(tableUpdateDelay, "tableUpdateDelay is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(globalIndexPropagation, "globalIndexPropagation is null");
        requireNonNull(transactionResolveAfter, "transactionResolveAfter is null");
        if (transactionResolveAfter.isNegative()) {
            throw new IllegalArgumentException("transactionResolveAfter is negative: " + transactionResolveAfter);
        }
        if (partitionsPerTable < 1 || partitionsPerTable > 1024) {
            throw new IllegalArgumentException("partitionsPerTable must be in 1..1024: " + partitionsPerTable);
        }
    }

    public static NodeConfig defaults() {
        return new NodeConfig(DEFAULT_REGION, DEFAULT_ACCOUNT_ID, 4, Duration.ZERO, Duration.ZERO, true,
                Clock.systemUTC(), GlobalIndexPropagation.ASYNCHRONOUS, false, Duration.ofSeconds(5));
    }

    public NodeConfig withSyncWrites(boolean sync) {
        return new NodeConfig(region, accountId, partitionsPerTable, tableCreationDelay, tableUpdateDelay, sync,
                clock, globalIndexPropagation, loopbackRpc, transactionResolveAfter);
    }

    public NodeConfig withClock(Clock newClock) {
        return new NodeConfig(region, accountId, partitionsPerTable, tableCreationDelay, tableUpdateDelay,
                syncWrites, newClock, globalIndexPropagation, loopbackRpc, transactionResolveAfter);
    }

    public NodeConfig withDelays(Duration creation, Duration update) {
        return new NodeConfig(region, accountId, partitionsPerTable, creation, update, syncWrites, clock,
                globalIndexPropagation, loopbackRpc, transactionResolveAfter);
    }

    public NodeConfig withGlobalIndexPropagation(GlobalIndexPropagation propagation) {
        return new NodeConfig(region, accountId, partitionsPerTable, tableCreationDelay, tableUpdateDelay,
                syncWrites, clock, propagation, loopbackRpc, transactionResolveAfter);
    }

    /** This configuration with the loopback RPC test mode on or off. */
    public NodeConfig withLoopbackRpc(boolean loopback) {
        return new NodeConfig(region, accountId, partitionsPerTable, tableCreationDelay, tableUpdateDelay,
                syncWrites, clock, globalIndexPropagation, loopback, transactionResolveAfter);
    }

    /** This configuration with prepare records resolved once they are {@code after} old. */
    public NodeConfig withTransactionResolveAfter(Duration after) {
        return new NodeConfig(region, accountId, partitionsPerTable, tableCreationDelay, tableUpdateDelay,
                syncWrites, clock, globalIndexPropagation, loopbackRpc, after);
    }
}
