/**
 * The data model shared by every layer: attribute values and their types, DynamoDB numbers, items and keys,
 * table schemas, item size accounting, the service limits, and the one error model ({@link
 * io.basalt.model.ErrorCode}, {@link io.basalt.model.BasaltException}).
 *
 * <p>Nothing here knows about the wire format, storage or threads.
 */
package io.basalt.model;
