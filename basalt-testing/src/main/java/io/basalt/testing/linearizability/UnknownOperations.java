package io.basalt.testing.linearizability;

import io.basalt.testing.linearizability.RegisterState.OneOf;
import io.basalt.testing.linearizability.RegisterState.Present;

/**
 * When an unknown operation is worth linearizing. Any linearization can be rewritten so that each unknown
 * operation u it keeps is directly followed by an operation that u makes possible: if the next operation x is
 * possible without u too, then either x writes blindly or both leave the same state (drop u), or x observes
 * without writing (swap u past x, which its missing return allows), and an unknown u at the end can be dropped.
 * So the search only linearizes u when some operation it could take next is possible after u and impossible
 * before it, and after u takes only such an operation. Without this, every unknown write nobody observed would
 * multiply the search by the number of places it could go.
 */
final class UnknownOperations {
    private UnknownOperations() {
    }

    /**
     * True when {@code next} is worth linearizing right after an unknown operation took the register from
     * {@code before} to {@code after}: it is possible after and impossible before.
     */
    static boolean usefulAfter(RegisterState before, RegisterState after, Operation next) {
        if (KeyProblem.isOptional(next)) {
            // Another unknown operation: only an update whose condition the first one made true.
            return next.command().kind() == Command.Kind.UPDATE
                    && conditionMayHold(after, next.command().version())
                    && conditionMayFail(before, next.command().version());
        }
        return RegisterModel.step(after, next).isPresent() && RegisterModel.step(before, next).isEmpty();
    }

    /** True when a pending unknown update expecting a version that {@code after} has, and {@code before} lacks. */
    static boolean enablesUpdateExpecting(RegisterState before, RegisterState after, long expected) {
        return conditionMayHold(after, expected) && conditionMayFail(before, expected);
    }

    private static boolean conditionMayHold(RegisterState state, long expected) {
        if (state instanceof OneOf oneOf) {
            return oneOf.candidates().stream().anyMatch(candidate -> conditionMayHold(candidate, expected));
        }
        return state instanceof Present present && present.version() == expected;
    }

    private static boolean conditionMayFail(RegisterState state, long expected) {
        if (state instanceof OneOf oneOf) {
            return oneOf.candidates().stream().anyMatch(candidate -> conditionMayFail(candidate, expected));
        }
        return !(state instanceof Present present && present.version() == expected);
    }
}
