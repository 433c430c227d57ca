package io.basalt.cli;

import io.basalt.testing.linearizability.Outcome;
import io.basalt.testing.linearizability.RecordingRegisterClient;
import io.basalt.testing.linearizability.RegisterState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One recorded register client of the linearizability checks on real processes (docs/design/cluster.md §21.4):
 * strong reads, blind writes and updates conditional on the version last seen, on three keys, paced so that the
 * history stays small enough to check (a few thousand operations).
 */
final class RegisterWorkload {
    private RegisterWorkload() {
    }

    /**
     * Runs until {@code stop}; while {@code nodeRunning} is false (its node is down) the client waits, since its calls
     * would only fail to connect.
     */
    static void run(RecordingRegisterClient client, BooleanSupplier nodeRunning, Random random, AtomicBoolean stop) {
        Map<String, Long> versions = new HashMap<>();
        List<String> keys = List.of("a", "b", "c");
        int step = 0;
        while (!stop.get()) {
            if (!nodeRunning.getAsBoolean()) {
                FaultTables.sleep(50);
                continue;
            }
            FaultTables.sleep(60);
            String key = keys.get(random.nextInt(keys.size()));
            long version = versions.getOrDefault(key, 0L);
            String value = client.name() + "-" + step++;
            int roll = random.nextInt(100);
            if (roll < 45) {
                Outcome read = client.get(key);
                if (read.observed() instanceof RegisterState.Present present) {
                    versions.put(key, present.version());
                }
            } else if (roll < 55) {
                client.put(key, version + 1, value);
                versions.put(key, version + 1);
            } else {
                if (client.update(key, version, value).status() == Outcome.Status.OK) {
                    versions.put(key, version + 1);
                }
            }
        }
    }
}
