package io.basalt.partition.read;

import io.basalt.partition.PartitionHash;

/**
 * The part of the hash space a Scan reads: segment {@code segment} of {@code totalSegments} equal shares (one
 * segment of one for a Scan that is not parallel). Independent of how the table is partitioned, as DynamoDB's
 * segments are; the numbers are kept (not just the hash range) because the ExclusiveStartKey check names them.
 */
public record ScanRange(int segment, int totalSegments) {
    /** A whole table (or index). */
    public static final ScanRange ALL = new ScanRange(0, 1);

    public ScanRange {
        if (totalSegments < 1 || segment < 0 || segment >= totalSegments) {
            throw new IllegalArgumentException("bad segment " + segment + " of " + totalSegments);
        }
    }

    /** The first hash of the segment (unsigned). */
    public long firstHash() {
        return PartitionHash.rangeStart(segment, totalSegments);
    }

    /** The last hash of the segment (unsigned, inclusive). */
    public long lastHash() {
        return segment + 1 == totalSegments ? -1L : PartitionHash.rangeStart(segment + 1, totalSegments) - 1;
    }
}
