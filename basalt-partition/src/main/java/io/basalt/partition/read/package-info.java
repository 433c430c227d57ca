/**
 * Reading ranges of items for Query and Scan: key ranges built from key conditions and scan segments, and a
 * paging cursor over a consistent storage snapshot that stops at DynamoDB's limits (Limit, 1 MB read) and says
 * where to continue.
 */
package io.basalt.partition.read;
