package io.basalt.partition.read;

/** Why a page ended (the cursor contract's no-next reason). */
public enum StopReason {
    /** The range has no more items: there is no next page. */
    EXHAUSTED,
    /** {@code Limit} items were read. */
    LIMIT,
    /** The page's byte budget (1 MB) was read. */
    SIZE
}
