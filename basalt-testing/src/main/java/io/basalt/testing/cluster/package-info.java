/**
 * Clusters for tests: {@link io.basalt.testing.cluster.BasaltTestCluster} runs N cluster nodes in one JVM on
 * 127.0.0.1 with free ports, each from its own {@code node.json}, stoppable and restartable.
 */
package io.basalt.testing.cluster;
