package io.basalt.cluster;

/** A table's live item count and size (DynamoDB refreshes these every few hours; Basalt reports them live). */
public record TableStatistics(long itemCount, long sizeBytes) {
}
