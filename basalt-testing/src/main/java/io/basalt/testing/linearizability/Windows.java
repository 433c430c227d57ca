package io.basalt.testing.linearizability;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a window {@code [start, end]} (nanoTime) out of one key's operations, as a {@link KeyProblem} that can only
 * be more lenient than the whole history: if the window is not linearizable, neither is the history.
 *
 * <ul>
 *   <li>Operations inside the window (called at or after {@code start}, returned by {@code end}) keep their
 *       outcomes.</li>
 *   <li>Operations that cross an edge may have taken effect inside or outside the window: writes among them become
 *       optional (unknown), and reads and failed conditions, whose observation may lie outside, are dropped.</li>
 *   <li>Operations that returned before {@code start} are left out; the register at the start is one of the
 *       results of the writes called before {@code start} that no write known to have finished before
 *       {@code start} follows in real time (or absent, if no write is known to have finished before it).</li>
 * </ul>
 */
final class Windows {
    /** Marks a window that starts with the history, from the register's initial state. */
    static final long FROM_BEGINNING = Long.MIN_VALUE;

    private static final Outcome CROSSES_EDGE = Outcome.unknown("crosses the window's edge");

    private Windows() {
    }

    /** The whole history of one key, from absent. */
    static KeyProblem whole(String key, List<Operation> operations) {
        return cut(key, operations, FROM_BEGINNING, Long.MAX_VALUE);
    }

    static KeyProblem cut(String key, List<Operation> operations, long start, long end) {
        List<Operation> inWindow = new ArrayList<>();
        for (Operation operation : operations) {
            if (KeyProblem.constrainsNothing(operation) || operation.callNanos() > end) {
                continue;
            }
            boolean known = operation.outcome().isKnown();
            if (known && operation.returnNanos() < start) {
                continue;
            }
            boolean inside = operation.callNanos() >= start && (!known || operation.returnNanos() <= end);
            if (inside) {
                inWindow.add(operation);
            } else if (operation.command().isWrite()
                    && operation.outcome().status() != Outcome.Status.CONDITION_FAILED) {
                inWindow.add(known ? operation.withOutcome(CROSSES_EDGE) : operation);
            }
        }
        return new KeyProblem(key, startState(operations, start), inWindow);
    }

    /** True when {@code operation} is cut by an edge of the window (and so counts as unknown inside it). */
    static boolean crossesEdge(Operation operation, long start, long end) {
        return operation.callNanos() < start
                || (operation.outcome().isKnown() && operation.returnNanos() > end);
    }

    private static RegisterState startState(List<Operation> operations, long start) {
        if (start == FROM_BEGINNING) {
            return RegisterState.ABSENT;
        }
        List<RegisterState> candidates = new ArrayList<>();
        if (!anyWriteFinishedBefore(operations, start)) {
            candidates.add(RegisterState.ABSENT);
        }
        for (Operation writer : startWriters(operations, start)) {
            candidates.add(writer.command().written());
        }
        return RegisterState.oneOf(candidates);
    }

    /**
     * The writes whose results the register may hold when a window starts at {@code start}: those called before it
     * that may have applied and that no write known to have taken effect before {@code start} follows in real time.
     */
    static List<Operation> startWriters(List<Operation> operations, long start) {
        if (start == FROM_BEGINNING) {
            return List.of();
        }
        // The latest call of a write known to have taken effect before the start: any write that returned
        // before that call was overwritten before the window began.
        long latestFinishedWriteCall = Long.MIN_VALUE;
        for (Operation operation : operations) {
            if (applied(operation) && operation.returnNanos() < start) {
                latestFinishedWriteCall = Math.max(latestFinishedWriteCall, operation.callNanos());
            }
        }
        List<Operation> writers = new ArrayList<>();
        for (Operation operation : operations) {
            boolean lastable = !operation.outcome().isKnown() || operation.returnNanos() >= latestFinishedWriteCall;
            if (operation.callNanos() < start && lastable && mayHaveApplied(operation)) {
                writers.add(operation);
            }
        }
        return writers;
    }

    private static boolean anyWriteFinishedBefore(List<Operation> operations, long start) {
        return operations.stream().anyMatch(operation -> applied(operation) && operation.returnNanos() < start);
    }

    private static boolean applied(Operation operation) {
        return operation.command().isWrite() && operation.outcome().status() == Outcome.Status.OK;
    }

    private static boolean mayHaveApplied(Operation operation) {
        return applied(operation)
                || (operation.command().isWrite() && operation.outcome().status() == Outcome.Status.UNKNOWN);
    }
}
