package io.basalt.testing.linearizability;

import io.basalt.testing.linearizability.RegisterState.OneOf;
import io.basalt.testing.linearizability.RegisterState.Present;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sequential specification of one item used as a register (docs/design/cluster.md §21.4): what each
 * operation does to the state, and which outcomes are legal in which state.
 *
 * <p>An operation the checker linearizes with an {@link Outcome.Status#UNKNOWN} outcome is taken to have
 * happened at that point (an unknown operation that never happened is simply not linearized). An unknown update
 * that happened either met its condition and wrote, or failed it and changed nothing.
 */
public final class RegisterModel {
    private RegisterModel() {
    }

    /**
     * The state after {@code operation} runs on {@code state} with its recorded outcome, or empty when that outcome
     * is impossible in that state. FAILED operations and unknown reads are not stepped (the checker drops them).
     */
    public static Optional<RegisterState> step(RegisterState state, Operation operation) {
        Command command = operation.command();
        Outcome outcome = operation.outcome();
        return switch (command.kind()) {
            case GET -> read(state, outcome);
            case PUT -> Optional.of(command.written());
            case DELETE -> Optional.of(RegisterState.ABSENT);
            case UPDATE -> update(state, command, outcome.status());
        };
    }

    private static Optional<RegisterState> read(RegisterState state, Outcome outcome) {
        if (outcome.status() != Outcome.Status.READ) {
            throw new IllegalArgumentException("only reads with a result are stepped: " + outcome);
        }
        RegisterState observed = outcome.observed();
        boolean possible = state instanceof OneOf oneOf
                ? oneOf.candidates().contains(observed)
                : state.equals(observed);
        return possible ? Optional.of(observed) : Optional.empty();
    }

    private static Optional<RegisterState> update(RegisterState state, Command command, Outcome.Status status) {
        List<RegisterState> meeting = new ArrayList<>();
        List<RegisterState> failing = new ArrayList<>();
        for (RegisterState candidate : candidates(state)) {
            if (candidate instanceof Present present && present.version() == command.version()) {
                meeting.add(candidate);
            } else {
                failing.add(candidate);
            }
        }
        RegisterState written = command.written();
        return switch (status) {
            case OK -> meeting.isEmpty() ? Optional.empty() : Optional.of(written);
            case CONDITION_FAILED -> failing.isEmpty() ? Optional.empty() : Optional.of(RegisterState.oneOf(failing));
            case UNKNOWN -> {
                // It ran here: wrote if its condition held, else changed nothing. Over several candidates the
                // result keeps both branches, which can only make the check more lenient, never stricter.
                List<RegisterState> after = new ArrayList<>(failing);
                if (!meeting.isEmpty()) {
                    after.add(written);
                }
                yield Optional.of(RegisterState.oneOf(after));
            }
            case READ, FAILED -> throw new IllegalArgumentException("an update is not stepped with " + status);
        };
    }

    private static List<RegisterState> candidates(RegisterState state) {
        return state instanceof OneOf oneOf ? List.copyOf(oneOf.candidates()) : List.of(state);
    }
}
