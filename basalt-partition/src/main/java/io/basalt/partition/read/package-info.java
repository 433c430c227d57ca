/**
 * Reads through the partition: a Query or Scan page arrives as a logical {@link io.basalt.partition.read.ReadSpec}
 * (no storage key in it), {@link io.basalt.partition.read.ReadPlanner} turns it into a storage key range and checks
 * its ExclusiveStartKey, and {@link io.basalt.partition.read.PartitionReader} reads the page on one consistent view,
 * stopping at DynamoDB's limits (Limit, 1 MB read) and naming the key to continue after. {@code KeyRange} and
 * {@code ReadRanges} are this package's internals.
 */
package io.basalt.partition.read;
