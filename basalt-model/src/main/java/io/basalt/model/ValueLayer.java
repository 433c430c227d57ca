package io.basalt.model;

/**
 * Which of DynamoDB's two attribute-value checkers an operation runs. They accept the same values but word some
 * refusals differently (live captures of 2026 in four regions, recorded in docs/design/error-texts.md):
 * PutItem, UpdateItem, DeleteItem, GetItem, BatchGetItem and Query run the current one; BatchWriteItem,
 * TransactWriteItems, TransactGetItems and Scan the older one.
 */
public enum ValueLayer {
    /** Empty number {@code "...value: "}; exponents checked in full; duplicate members quoted and sorted. */
    CURRENT,
    /**
     * Empty number without the colon; the exponent read as Java's BigDecimal reads it (so {@code 1e2147483647}
     * wraps to an underflow and an exponent past an int cannot be converted); duplicate members printed as sent.
     */
    OLDER
}
