package io.basalt.testing.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Linearizability by enumeration, for cross-checking the search on small histories: every subset of the unknown
 * writes, every order of the chosen operations that respects real time, run through {@link RegisterModel}.
 */
final class BruteForce {
    private BruteForce() {
    }

    static boolean isLinearizable(List<Operation> history) {
        List<Operation> required = new ArrayList<>();
        List<Operation> optional = new ArrayList<>();
        for (Operation operation : history) {
            if (KeyProblem.constrainsNothing(operation)) {
                continue;
            }
            (operation.outcome().isKnown() ? required : optional).add(operation);
        }
        for (int subset = 0; subset < 1 << optional.size(); subset++) {
            List<Operation> chosen = new ArrayList<>(required);
            for (int bit = 0; bit < optional.size(); bit++) {
                if ((subset & (1 << bit)) != 0) {
                    chosen.add(optional.get(bit));
                }
            }
            if (orderExists(chosen, RegisterState.ABSENT)) {
                return true;
            }
        }
        return false;
    }

    private static boolean orderExists(List<Operation> remaining, RegisterState state) {
        if (remaining.isEmpty()) {
            return true;
        }
        for (Operation next : remaining) {
            if (!canGoFirst(next, remaining)) {
                continue;
            }
            Optional<RegisterState> after = RegisterModel.step(state, next);
            if (after.isPresent()) {
                List<Operation> rest = new ArrayList<>(remaining);
                rest.remove(next);
                if (orderExists(rest, after.get())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** No other remaining operation returned (with a known outcome) strictly before {@code next} was called. */
    private static boolean canGoFirst(Operation next, List<Operation> remaining) {
        for (Operation other : remaining) {
            if (other != next && other.outcome().isKnown() && other.returnNanos() < next.callNanos()) {
                return false;
            }
        }
        return true;
    }
}
