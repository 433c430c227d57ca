package io.basalt.cluster.rpc;

import io.basalt.partition.TransactionWatch;

/**
 * A transactional read's watch kept by the node serving the partition, named by the id its TXN_READ_ROUND answer
 * gave; the TXN_VALIDATE frame sends the id back.
 */
public record RemoteWatch(long id) implements TransactionWatch {
}
