package io.basalt.cluster;

/** Where a secondary index is in its life, beyond the timed CREATING/UPDATING phases it shares with tables. */
public enum IndexPhase {
    /** Maintained with every write; ACTIVE once its table (or its last update) is. */
    STEADY,
    /** Added to a table with items: being filled from the existing items while new writes also reach it. */
    BACKFILLING,
    /** Being dropped: no longer maintained or readable, its data being removed. */
    DELETING
}
