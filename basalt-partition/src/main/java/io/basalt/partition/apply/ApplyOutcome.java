package io.basalt.partition.apply;

/** What applying one partition entry did. */
public enum ApplyOutcome {
    /** Its operations are in storage, and the partition's sequence is the entry's. */
    APPLIED,
    /**
     * Refused deterministically (a sequence gap or repeat, a partition the group does not hold, a key outside the
     * partition): nothing but the group's applied index changed, on every member alike.
     */
    REJECTED,
    /** At or below the group's applied index: applied before (a replay after a restart or snapshot). */
    SKIPPED
}
