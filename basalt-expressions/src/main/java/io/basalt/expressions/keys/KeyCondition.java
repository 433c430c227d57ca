package io.basalt.expressions.keys;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValue;
import java.util.List;
import java.util.Optional;

/**
 * What a Query reads: every item (or index entry) with these partition key values whose sort key attributes start
 * with {@code sortPrefix} (equalities on the leading sort key attributes, left to right) and whose next sort key
 * attribute satisfies {@code sortCondition}.
 *
 * <p>A table or single-attribute index has one partition value, no prefix and at most one sort condition; a global
 * index with multi-attribute keys has one partition value per partition key attribute and may fix several leading
 * sort key attributes.
 *
 * @param partitionValues one value per partition key attribute, in key schema order
 * @param sortPrefix the values the leading sort key attributes must equal, in key schema order
 * @param sortCondition the condition on the sort key attribute after the prefix
 */
public record KeyCondition(List<AttributeValue> partitionValues, List<AttributeValue> sortPrefix,
        Optional<SortKeyCondition> sortCondition) {
    public KeyCondition {
        partitionValues = List.copyOf(partitionValues);
        sortPrefix = List.copyOf(sortPrefix);
        requireNonNull(sortCondition, "sortCondition is null");
        if (partitionValues.isEmpty()) {
            throw new IllegalArgumentException("a key condition has at least one partition value");
        }
    }

    /** A table's (or single-attribute index's) condition: one partition value and an optional sort condition. */
    public KeyCondition(AttributeValue partitionValue, Optional<SortKeyCondition> sortCondition) {
        this(List.of(requireNonNull(partitionValue, "partitionValue is null")), List.of(), sortCondition);
    }
}
