package io.basalt.partition;

import static java.util.Objects.requireNonNull;

/**
 * A write evaluated by the partition leader: what it did to the item and the log entry that makes it so.
 *
 * @param oldSize the item's size before, in DynamoDB's accounting (0 when absent)
 * @param newSize the item's size after (0 when absent)
 */
public record EvaluatedWrite(WriteOutcome outcome, LogEntry entry, long oldSize, long newSize) {
    public EvaluatedWrite {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(entry, "entry is null");
    }
}
