package io.basalt.testing.linearizability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowe's memoisation for Wing and Gong's search: the (linearized set, register state) pairs already reached.
 * Reaching one again cannot lead anywhere new, so the search backtracks.
 *
 * <p>One step further than an exact match: a state with the same required operations and register state as a
 * visited one, but a superset of its optional (unknown) operations, is dominated by it. The visited state could
 * still linearize those optional operations or leave them out, so every continuation of the new state is also a
 * continuation of the visited one. Without this, k unknown writes that no read observes multiply the states by
 * up to 2^k (a fault test's timeouts produce exactly those).
 */
final class VisitedStates {
    private record Visited(long[] required, long[] optional, RegisterState state) {
    }

    private final Map<Long, List<Visited>> byHash = new HashMap<>();
    private int size;

    /**
     * Records ({@code linearized}, {@code state}) and returns true, or returns false when it (or a state that
     * dominates it) was visited before.
     */
    boolean add(LinearizedSet linearized, RegisterState state) {
        long key = linearized.requiredHash() * 31 + state.hashCode();
        List<Visited> bucket = byHash.computeIfAbsent(key, unused -> new ArrayList<>(1));
        for (Visited visited : bucket) {
            if (visited.state().equals(state) && linearized.requiredEquals(visited.required())
                    && linearized.optionalContainsAll(visited.optional())) {
                return false;
            }
        }
        bucket.add(new Visited(linearized.copyRequired(), linearized.copyOptional(), state));
        size++;
        return true;
    }

    int size() {
        return size;
    }
}
