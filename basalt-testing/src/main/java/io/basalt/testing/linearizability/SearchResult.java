package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The end of one search over a {@link KeyProblem}.
 *
 * @param status linearizable, violation, or out of time
 * @param longestOrder for a violation, the longest order of operations the search could linearize
 * @param stateAfterLongest the register after {@code longestOrder}
 * @param stuck for a violation, the operation that had to take effect (its return came next) but could not be
 *     placed after {@code longestOrder}; null otherwise
 * @param steps search steps taken, for reports
 */
record SearchResult(Status status, List<Operation> longestOrder, RegisterState stateAfterLongest, Operation stuck,
        long steps) {
    enum Status {
        LINEARIZABLE,
        VIOLATION,
        OUT_OF_TIME
    }

    SearchResult {
        requireNonNull(status, "status is null");
        longestOrder = List.copyOf(requireNonNull(longestOrder, "longestOrder is null"));
        requireNonNull(stateAfterLongest, "stateAfterLongest is null");
        if ((status == Status.VIOLATION) != (stuck != null)) {
            throw new IllegalArgumentException("stuck must be given exactly for a violation");
        }
    }
}
