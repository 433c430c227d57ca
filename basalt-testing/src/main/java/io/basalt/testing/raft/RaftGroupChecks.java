package io.basalt.testing.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.replication.raft.GroupMember;
import io.basalt.replication.raft.RaftNode;
import io.basalt.storage.StorageIterator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a test waits for and compares on a {@link RaftGroupHarness}'s running members: a group's leader, the
 * leader its members agree on, a member's storage checksum, and a group's convergence. It only reads the nodes; the
 * harness starts and stops them (see its methods of the same names for what each promises).
 */
final class RaftGroupChecks {
    private final RaftGroupHarness harness;

    RaftGroupChecks(RaftGroupHarness harness) {
        this.harness = requireNonNull(harness, "harness is null");
    }

    int awaitLeader(long groupId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < harness.nodeCount(); i++) {
                if (isLeading(i, groupId)) {
                    return i;
                }
            }
            sleep(10);
        }
        throw new AssertionError("no leader of group " + groupId + " within " + timeout);
    }

    int awaitAgreedLeader(long groupId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> leading = new ArrayList<>();
            for (int i = 0; i < harness.nodeCount(); i++) {
                if (isLeading(i, groupId)) {
                    leading.add(i);
                }
            }
            if (leading.size() == 1 && namedLeaderByAll(groupId, leading.get(0))) {
                return leading.get(0);
            }
            sleep(10);
        }
        throw new AssertionError("no agreed leader of group " + groupId + " within " + timeout);
    }

    /** Whether the node runs and has an open epoch for the group. */
    private boolean isLeading(int node, long groupId) {
        RaftNode running = harness.runningNode(node);
        return running != null && running.tryMember(groupId).map(m -> m.leadership().isLeading()).orElse(false);
    }

    private boolean namedLeaderByAll(long groupId, int leader) {
        Optional<String> expected = Optional.of(RaftGroupHarness.nodeId(leader));
        for (int i : harness.members(groupId)) {
            RaftNode running = harness.runningNode(i);
            try {
                if (running != null && !running.leaderId(groupId).equals(expected)) {
                    return false;
                }
            } catch (IOException | RuntimeException memberGone) {
                return false;
            }
        }
        return true;
    }

    String checksum(int node, long groupId) {
        return harness.member(node, groupId).stateMachine().readStorage(storage -> {
            MessageDigest digest = sha256();
            long pairs = 0;
            try (StorageIterator iterator = storage.iterator(null, null)) {
                for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                    byte[] key = iterator.key();
                    byte[] value = iterator.value();
                    digest.update(ByteBuffer.allocate(8).putInt(key.length).putInt(value.length).array());
                    digest.update(key);
                    digest.update(value);
                    pairs++;
                }
            }
            return pairs + ":" + HexFormat.of().formatHex(digest.digest());
        });
    }

    String awaitConverged(long groupId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Integer, String> last = Map.of();
        while (System.nanoTime() < deadline) {
            Map<Integer, String> sums = new LinkedHashMap<>();
            try {
                for (int i : harness.members(groupId)) {
                    if (harness.runningNode(i) != null) {
                        GroupMember member = harness.member(i, groupId);
                        sums.put(i, member.stateMachine().lastAppliedIndex() + "@" + checksum(i, groupId));
                    }
                }
            } catch (IllegalStateException installing) {
                sleep(20);
                continue;
            }
            if (sums.values().stream().distinct().count() == 1) {
                String only = sums.values().iterator().next();
                return only.substring(only.indexOf('@') + 1);
            }
            last = sums;
            sleep(50);
        }
        throw new AssertionError("group " + groupId + " did not converge within " + timeout + ": " + last);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sleeps, turning an interrupt into a failure of the test (the interrupt flag kept). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
