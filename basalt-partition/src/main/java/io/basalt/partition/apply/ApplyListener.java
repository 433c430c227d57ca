package io.basalt.partition.apply;

import io.basalt.partition.log.LogEntry;
import java.util.List;

/**
 * Told about every entry a {@link GroupStateMachine} applied (or rejected), in log order, after its batch is in
 * storage. Runs on the applying thread while the state machine is locked: keep it short, never block.
 */
@FunctionalInterface
public interface ApplyListener {
    /** @param outcomes one per partition entry of {@code entry}, in order (a multi entry has several) */
    void applied(long term, long index, LogEntry entry, List<ApplyOutcome> outcomes);
}
