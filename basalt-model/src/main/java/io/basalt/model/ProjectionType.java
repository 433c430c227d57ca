package io.basalt.model;

/** Which attributes a secondary index copies from the base table (DynamoDB's {@code ProjectionType}). */
public enum ProjectionType {
    /** Every attribute of the item. */
    ALL,
    /** The table's and the index's key attributes only. */
    KEYS_ONLY,
    /** The key attributes and the named non-key attributes. */
    INCLUDE
}
