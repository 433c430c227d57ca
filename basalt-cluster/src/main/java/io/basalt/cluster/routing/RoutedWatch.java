package io.basalt.cluster.routing;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.TransactionWatch;

/**
 * A transactional read's watch and the node that holds it: the second round goes back to that node, wherever the
 * partition's leader is by then (a leader change in between fails the validation there, as it must).
 */
record RoutedWatch(long node, TransactionWatch watch) implements TransactionWatch {
    RoutedWatch {
        requireNonNull(watch, "watch is null");
    }
}
