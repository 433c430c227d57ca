package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;

/**
 * Why one action of a cancelled transaction did not commit, as DynamoDB reports it in {@code CancellationReasons}.
 *
 * @param code {@code None}, {@code ConditionalCheckFailed}, {@code TransactionConflict}, {@code ValidationError},
 *     {@code ItemCollectionSizeLimitExceeded}, ...
 * @param message null for {@code None}
 * @param item the item's image, for a failed condition of an action that asked for {@code ALL_OLD}; else null
 */
public record CancellationReason(String code, String message, Item item) {
    public static final CancellationReason NONE = new CancellationReason("None", null, null);

    public CancellationReason {
        requireNonNull(code, "code is null");
    }
}
