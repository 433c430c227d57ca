package io.basalt.partition.read;

/**
 * Which table items a local secondary index read fetches, inside the page's snapshot (API Query, Select:
 * "DynamoDB fetches each of these attributes from the parent table"; docs/design/index-reads.md).
 */
public enum FetchMode {
    /** The entries hold everything the request needs. */
    NONE,
    /** The projection needs attributes the index does not hold: fetch the items of the entries the filter keeps. */
    FILTERED_ONLY,
    /** The filter needs attributes the index does not hold: fetch the item of every entry read, then filter it. */
    ALL_READ
}
