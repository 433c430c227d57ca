/**
 * Raft groups in one JVM for tests (docs/design/cluster.md §20 step 11, §21.1): {@link
 * io.basalt.testing.raft.RaftGroupHarness} runs N Ratis servers on 127.0.0.1 with free ports and their own
 * directories, hosting replication groups over real RocksDB, and compares the members' stores.
 */
package io.basalt.testing.raft;
