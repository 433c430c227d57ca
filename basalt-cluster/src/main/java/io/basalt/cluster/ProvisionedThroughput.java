package io.basalt.cluster;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Provisioned read and write capacity with the bookkeeping DynamoDB reports. On-demand tables carry zeros, as
 * DescribeTable shows them.
 *
 * @param lastIncrease null when never increased
 * @param lastDecrease null when never decreased
 */
public record ProvisionedThroughput(long readCapacityUnits, long writeCapacityUnits, Instant lastIncrease,
        Instant lastDecrease, int decreasesToday) {
    public static final ProvisionedThroughput NONE = new ProvisionedThroughput(0, 0, null, null, 0);

    public ProvisionedThroughput {
        // Stored in epoch milliseconds (see TableMetadataCodec): keep no more precision than survives a restart.
        lastIncrease = lastIncrease == null ? null : lastIncrease.truncatedTo(ChronoUnit.MILLIS);
        lastDecrease = lastDecrease == null ? null : lastDecrease.truncatedTo(ChronoUnit.MILLIS);
    }

    public static ProvisionedThroughput of(long readCapacityUnits, long writeCapacityUnits) {
        return new ProvisionedThroughput(readCapacityUnits, writeCapacityUnits, null, null, 0);
    }

    /** The throughput after an UpdateTable to new units at {@code now}, recording an increase or decrease. */
    public ProvisionedThroughput changedTo(long read, long write, Instant now) {
        boolean increase = read > readCapacityUnits || write > writeCapacityUnits;
        boolean decrease = read < readCapacityUnits || write < writeCapacityUnits;
        return new ProvisionedThroughput(read, write, increase ? now : lastIncrease, decrease ? now : lastDecrease,
                decrease ? decreasesToday + 1 : decreasesToday);
    }
}
