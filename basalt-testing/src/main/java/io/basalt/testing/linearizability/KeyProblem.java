package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One register's operations to linearize from a start state. Operations with a known outcome must all be
 * linearized; unknown ones may be, or not. Failed operations and unknown reads are already left out.
 */
record KeyProblem(String key, RegisterState start, List<Operation> operations) {
    KeyProblem {
        requireNonNull(key, "key is null");
        requireNonNull(start, "start is null");
        operations = List.copyOf(requireNonNull(operations, "operations is null"));
        for (Operation operation : operations) {
            if (operation.outcome().status() == Outcome.Status.FAILED
                    || (!operation.outcome().isKnown() && !operation.command().isWrite())) {
                throw new IllegalArgumentException("operation " + operation.id() + " constrains nothing");
            }
        }
    }

    /** True for an operation that may be left out: its outcome is unknown. */
    static boolean isOptional(Operation operation) {
        return !operation.outcome().isKnown();
    }

    /** True for an operation the checker ignores: it failed definitely, or it is a read without a result. */
    static boolean constrainsNothing(Operation operation) {
        Outcome.Status status = operation.outcome().status();
        return status == Outcome.Status.FAILED || (status == Outcome.Status.UNKNOWN && !operation.command().isWrite());
    }
}
