package io.basalt.cluster.node;

/**
 * Whether the cluster counts a registered node as alive (docs/design/cluster.md §13.1). The metadata leader sets it
 * ({@code SetNodeState}); a node {@link #DOWN} longer than the node-down timeout has its members re-created on the
 * others (§13.2). Each state's {@link #code} is its byte in the node descriptor: never reordered or reused.
 */
public enum NodeState {
    /** Alive: hosts members and receives new ones. */
    UP(1),
    /** Silent since the descriptor's {@code since}: keeps its members until the timeout, receives none. */
    DOWN(2);

    private final int code;

    NodeState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /**
     * @throws IllegalArgumentException for a code no state has
     */
    public static NodeState ofCode(int code) {
        for (NodeState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown node state " + code);
    }
}
