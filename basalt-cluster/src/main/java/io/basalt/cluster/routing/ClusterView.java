package io.basalt.cluster.routing;

/**
 * Where a node reads the cluster map from (docs/design/cluster.md §11): today an interface that tests fill in; the
 * metadata group's long-poll watch (the other half of step 12) implements it. Thread-safe.
 */
public interface ClusterView {
    /** The newest map this node holds; cheap (no I/O). */
    ClusterState current();

    /**
     * A map at least as new as {@code atLeastVersion} if one can be had now (a WRONG_PARTITION answer names the
     * version its sender holds); otherwise the newest this node can get, which may be older. Must not block: the
     * Router calls it on network event loops (a watch that is behind answers with what it has and catches up on
     * its own).
     */
    ClusterState refresh(long atLeastVersion);
}
