package io.basalt.cli;

import static io.basalt.cli.MembershipChecks.await;
import static io.basalt.cli.MembershipChecks.ledGroups;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group leaders spread over the nodes (docs/design/cluster.md §13.2, step 13): in a three-node cluster no node leads
 * more than one of the two data groups once it has settled; after the node leading one is SIGKILLed (another node then
 * leads both) and restarted, leadership spreads again: PreferredLeaders' hand-backs and the meta leader's transfers.
 */
@Timeout(300)
class TestLeaderBalance {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SPREAD = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    @Test
    void leadersSpreadAgainAfterARestart() throws Exception {
        try (NodeProcesses cluster = NodeProcesses.start(directory.resolve("cluster"), 3, START)) {
            Map<Integer, List<Long>> spread = await("each data group led, no node leading two", SPREAD,
                    () -> dataLeaders(cluster), TestLeaderBalance::balanced);
            int leader = spread.entrySet().stream().filter(entry -> !entry.getValue().isEmpty()).findFirst()
                    .orElseThrow().getKey();

            cluster.kill(leader);
            cluster.start(leader);
            cluster.awaitServing(leader, START);
            Map<Integer, List<Long>> after = await("leaders spread again after node " + leader + "'s restart",
                    SPREAD, () -> dataLeaders(cluster), TestLeaderBalance::balanced);
            assertThat(after.values().stream().mapToInt(List::size).sum()).isEqualTo(2);
        }
    }

    /** The data groups (not the metadata group) each node leads. */
    private static Map<Integer, List<Long>> dataLeaders(NodeProcesses cluster) {
        Map<Integer, List<Long>> leaders = new TreeMap<>();
        for (int node = 1; node <= 3; node++) {
            List<Long> led = new ArrayList<>(ledGroups(cluster.endpoint(node)));
            led.remove(0L);
            leaders.put(node, led);
        }
        return leaders;
    }

    private static boolean balanced(Map<Integer, List<Long>> leaders) {
        return leaders.values().stream().mapToInt(List::size).sum() == 2
                && leaders.values().stream().allMatch(led -> led.size() <= 1);
    }
}
