package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.PutItemOperation;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.storage.StorageIterator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries larger than one Raft entry go through the group in parts (docs/design/cluster.md §5.3). The group's
 * limit is shrunk to 64 KB so that DynamoDB-sized items (up to 400 KB) are split, as a 4 MB transaction with its
 * change record and LSI images would be at the production limit.
 */
@Tag("raft")
@Timeout(120)
class TestOversizedEntry {
    private static final long GROUP = 1;
    private static final int LIMIT = 64 * 1024;

    @TempDir
    Path directory;

    private static RaftConfig smallEntries() {
        return RaftGroupHarness.testConfig().withEntryLimit(LIMIT, 2L * LIMIT);
    }

    @Test
    void aLargeItemIsSplitIntoPartsAndReachesEveryMember() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).config(smallEntries()).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            EvaluatedWrite written = harness.leader(leader, GROUP, 0).write(
                    RaftTestItems.itemKey(harness, GROUP, "big"), bigPut("big", 390 * 1024)).get(30, TimeUnit.SECONDS);
            assertThat(written.entry().sequence()).isEqualTo(1);
            assertThat(harness.member(leader, GROUP).proposer().partedEntries()).isEqualTo(1);
            // A small write after it is an ordinary entry.
            harness.leader(leader, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP, "small"),
                    RaftTestItems.put("small", 1)).get(10, TimeUnit.SECONDS);
            harness.awaitConverged(GROUP, Duration.ofSeconds(30));
            for (int node = 0; node < harness.nodeCount(); node++) {
                byte[] stored = harness.member(node, GROUP).stateMachine()
                        .readStorage(storage -> storage.get(RaftTestItems.itemKey(harness, GROUP, "big")));
                assertThat(stored).as("node %d", node).hasSizeGreaterThan(390 * 1024);
                assertThat(stagedKeys(harness, node)).isZero();
            }
        }
    }

    @Test
    void theLeaderKilledBetweenPartsLeavesEveryLargeWriteAppliedOrNot() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).config(smallEntries()).start()) {
            int oldLeader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String pk = "before" + i;
                writes.add(harness.leader(oldLeader, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP, pk),
                        bigPut(pk, 300 * 1024)));
            }
            writes.get(0).get(30, TimeUnit.SECONDS);
            harness.stop(oldLeader);

            int newLeader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            // The new leader's first entry of the partition discards whatever parts the old one had staged.
            harness.leader(newLeader, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP, "after"),
                    RaftTestItems.put("after", 1)).get(10, TimeUnit.SECONDS);
            TestRaftLeaderChange.checkAgainstStores(harness, "before", writes);
            for (int node = 0; node < harness.nodeCount(); node++) {
                if (harness.isRunning(node)) {
                    assertThat(stagedKeys(harness, node)).as("node %d", node).isZero();
                }
            }
            // The stopped member comes back with the parts it had staged and converges.
            harness.restart(oldLeader);
            harness.leader(newLeader, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP, "after2"),
                    bigPut("after2", 200 * 1024)).get(30, TimeUnit.SECONDS);
            harness.awaitConverged(GROUP, Duration.ofSeconds(30));
            assertThat(stagedKeys(harness, oldLeader)).isZero();
        }
    }

    private static PutItemOperation bigPut(String pk, int size) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string(pk));
        attributes.put("blob", AttributeValue.string("x".repeat(size)));
        return new PutItemOperation(RaftTestItems.key(pk), new Item(attributes));
    }

    /** Keys in the staging space ({@code 0x0E}) of a member's storage. */
    private static long stagedKeys(RaftGroupHarness harness, int node) {
        return harness.member(node, GROUP).stateMachine().readStorage(storage -> {
            long count = 0;
            try (StorageIterator iterator = storage.iterator(new byte[] {0x0E}, new byte[] {0x0F})) {
                for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                    count++;
                }
            }
            return count;
        });
    }
}
