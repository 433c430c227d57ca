package io.basalt.expressions.keys;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValue;
import java.util.Optional;

/** What a Query reads: every item with this partition key value whose sort key satisfies the sort condition. */
public record KeyCondition(AttributeValue partitionValue, Optional<SortKeyCondition> sortCondition) {
    public KeyCondition {
        requireNonNull(partitionValue, "partitionValue is null");
        requireNonNull(sortCondition, "sortCondition is null");
    }
}
