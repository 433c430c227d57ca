package io.basalt.testing.linearizability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wing and Gong's linearizability search with Lowe's memoisation over one register, in the shape of Porcupine's
 * {@code checkSingle}: the operations with a known outcome form a doubly linked list of call and return events in
 * time order; the search repeatedly linearizes a call that precedes every remaining return (removing its events
 * from the list), and backtracks when no such call can be linearized before the first remaining return.
 *
 * <p>Unknown operations have a call and no return: nothing forces them, so they may be linearized at any point
 * after their call, or never. They sit in a second list, and at each point the search tries them only after the
 * known operations, so that it reaches each state first with the fewest unknown operations spent; a state reached
 * again with more of them spent is then dominated ({@link VisitedStates}). An unknown operation is only linearized
 * when it makes possible an operation that could come next, and is then followed by such an operation
 * ({@link UnknownOperations} says why that loses nothing); this keeps unknown writes nobody observed from
 * multiplying the search. Unknown operations are tried latest first, since the one a read needs most often
 * overlapped it. The search succeeds when every known operation is linearized. Events at the
 * same instant are ordered calls first, so operations that touch count as concurrent: no violation depends on the
 * order of equal timestamps.
 *
 * <p>Not thread-safe; one instance per search.
 */
final class WingGongSearch {
    private static final int STEPS_PER_CLOCK_CHECK = 1024;

    private static final class Event {
        final Operation operation;
        final boolean call;
        final boolean optional;
        final int bit;
        Event match;
        Event previous;
        Event next;

        Event(Operation operation, boolean call, boolean optional, int bit) {
            this.operation = operation;
            this.call = call;
            this.optional = optional;
            this.bit = bit;
        }
    }

    private record Frame(Event call, RegisterState before, Frame previous, int depth) {
    }

    private final KeyProblem problem;
    private final long deadlineNanos;
    private final long maxSteps;
    private final Event requiredHead = new Event(null, false, false, -1);
    private final Event optionalHead = new Event(null, true, true, -1);
    private final LinearizedSet linearized;
    private final VisitedStates visited = new VisitedStates();
    /** Unknown updates not linearized, counted by the version they expect. */
    private final Map<Long, Integer> pendingUpdates = new HashMap<>();
    /** Writes not linearized (known to have applied, or unknown), counted by the state they leave. */
    private final Map<RegisterState, Integer> pendingWrites = new HashMap<>();
    private int requiredLeft;

    private WingGongSearch(KeyProblem problem, long deadlineNanos, long maxSteps) {
        this.problem = problem;
        this.deadlineNanos = deadlineNanos;
        this.maxSteps = maxSteps;
        List<Event> requiredEvents = new ArrayList<>();
        List<Event> optionalCalls = new ArrayList<>();
        int required = 0;
        int optional = 0;
        for (Operation operation : problem.operations()) {
            countPending(operation, 1);
            if (KeyProblem.isOptional(operation)) {
                optionalCalls.add(new Event(operation, true, true, optional++));
            } else {
                Event call = new Event(operation, true, false, required++);
                call.match = new Event(operation, false, false, call.bit);
                requiredEvents.add(call);
                requiredEvents.add(call.match);
            }
        }
        link(requiredHead, requiredEvents);
        link(optionalHead, optionalCalls);
        this.requiredLeft = required;
        this.linearized = new LinearizedSet(required, optional);
    }

    private static void link(Event head, List<Event> events) {
        events.sort((a, b) -> {
            int byTime = Long.compare(time(a), time(b));
            if (byTime != 0) {
                return byTime;
            }
            if (a.call != b.call) {
                return a.call ? -1 : 1;
            }
            return Integer.compare(a.operation.id(), b.operation.id());
        });
        Event last = head;
        for (Event event : events) {
            last.next = event;
            event.previous = last;
            last = event;
        }
    }

    private static long time(Event event) {
        return event.call ? event.operation.callNanos() : event.operation.returnNanos();
    }

    /** Searches {@code problem} until it is decided or {@link System#nanoTime()} passes {@code deadlineNanos}. */
    static SearchResult run(KeyProblem problem, long deadlineNanos) {
        return run(problem, deadlineNanos, Long.MAX_VALUE);
    }

    /** As {@link #run(KeyProblem, long)}, giving up (as out of time) after {@code maxSteps} steps too. */
    static SearchResult run(KeyProblem problem, long deadlineNanos, long maxSteps) {
        return new WingGongSearch(problem, deadlineNanos, maxSteps).search();
    }

    private SearchResult search() {
        RegisterState state = problem.start();
        Frame top = null;
        Frame longest = null;
        RegisterState stateAfterLongest = state;
        Operation stuck = null;
        // The next candidate: a call in the required list until its first return, then, from the latest back,
        // the optional calls that precede that return (the optional head ends them).
        Event cursor = requiredHead.next;
        Event firstReturn = null;
        long steps = 0;
        // The start itself is visited: linearizing an unknown operation that changes nothing is then dominated.
        visited.add(linearized, state);
        while (requiredLeft > 0) {
            if (++steps % STEPS_PER_CLOCK_CHECK == 0
                    && (System.nanoTime() - deadlineNanos > 0 || steps > maxSteps)) {
                return new SearchResult(SearchResult.Status.OUT_OF_TIME, List.of(), problem.start(), null, steps);
            }
            if (firstReturn == null && !cursor.call) {
                firstReturn = cursor;
                cursor = hopeless(state, firstReturn) ? optionalHead : lastOptionalBefore(firstReturn);
                continue;
            }
            if (firstReturn == null || cursor != optionalHead) {
                if (top == null || !top.call.optional
                        || UnknownOperations.usefulAfter(top.before, state, cursor.operation)) {
                    Optional<RegisterState> after = RegisterModel.step(state, cursor.operation);
                    if (after.isPresent() && (!cursor.optional || enablesSomething(state, after.get(), firstReturn))) {
                        toggle(cursor);
                        if (visited.add(linearized, after.get())) {
                            top = new Frame(cursor, state, top, top == null ? 1 : top.depth + 1);
                            state = after.get();
                            lift(cursor);
                            cursor = requiredHead.next;
                            firstReturn = null;
                            continue;
                        }
                        toggle(cursor);
                    }
                }
                cursor = firstReturn == null ? cursor.next : cursor.previous;
                continue;
            }
            // The first return's operation had to be linearized by now, and no order so far allows it.
            int depth = top == null ? 0 : top.depth;
            if (stuck == null || depth > (longest == null ? 0 : longest.depth)) {
                longest = top;
                stateAfterLongest = state;
                stuck = firstReturn.operation;
            }
            if (top == null) {
                return new SearchResult(SearchResult.Status.VIOLATION, order(longest), stateAfterLongest, stuck, steps);
            }
            Event undone = top.call;
            state = top.before;
            top = top.previous;
            toggle(undone);
            unlift(undone);
            if (undone.optional) {
                firstReturn = firstReturn(requiredHead);
                cursor = undone.previous;
            } else {
                firstReturn = null;
                cursor = undone.next;
            }
        }
        return new SearchResult(SearchResult.Status.LINEARIZABLE, List.of(), state, null, steps);
    }

    /**
     * True when, after an unknown operation took the register from {@code before} to {@code after}, some operation
     * that could come next is possible and was not before ({@link UnknownOperations}): a known operation called
     * before {@code firstReturn}, or a pending unknown update.
     */
    private boolean enablesSomething(RegisterState before, RegisterState after, Event firstReturn) {
        for (Event event = requiredHead.next; event != firstReturn; event = event.next) {
            if (UnknownOperations.usefulAfter(before, after, event.operation)) {
                return true;
            }
        }
        for (long expected : pendingUpdates.keySet()) {
            if (UnknownOperations.enablesUpdateExpecting(before, after, expected)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The latest unknown operation called by {@code firstReturn}, or the optional list's head when there is none.
     * Unknown operations are tried latest first: the one a read needs is most often one that overlapped it.
     */
    private Event lastOptionalBefore(Event firstReturn) {
        Event last = optionalHead;
        while (last.next != null && last.next.operation.callNanos() <= firstReturn.operation.returnNanos()) {
            last = last.next;
        }
        return last;
    }

    private static Event firstReturn(Event head) {
        Event event = head.next;
        while (event.call) {
            event = event.next;
        }
        return event;
    }

    private void toggle(Event call) {
        if (call.optional) {
            linearized.toggleOptional(call.bit);
        } else {
            linearized.toggleRequired(call.bit);
        }
    }

    private void countPending(Operation operation, int change) {
        Command command = operation.command();
        boolean optional = KeyProblem.isOptional(operation);
        if (optional && command.kind() == Command.Kind.UPDATE) {
            pendingUpdates.merge(command.version(), change, (a, b) -> a + b == 0 ? null : a + b);
        }
        if (command.isWrite() && (optional || operation.outcome().status() == Outcome.Status.OK)) {
            pendingWrites.merge(command.written(), change, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    /**
     * True when a read among the operations that must be linearized before {@code firstReturn} (its own included)
     * observed a state the register does not hold and no write left can produce: nothing done from here can place
     * it.
     */
    private boolean hopeless(RegisterState state, Event firstReturn) {
        for (Event event = requiredHead.next; event != firstReturn; event = event.next) {
            RegisterState observed = event.operation.outcome().observed();
            if (observed != null && !pendingWrites.containsKey(observed) && !(state instanceof RegisterState.OneOf oneOf
                    ? oneOf.candidates().contains(observed)
                    : state.equals(observed))) {
                return true;
            }
        }
        return false;
    }

    private void lift(Event call) {
        remove(call);
        countPending(call.operation, -1);
        if (call.match != null) {
            remove(call.match);
            requiredLeft--;
        }
    }

    /** Undoes {@link #lift}; lifts are undone in reverse order, so each event's neighbours are as it left them. */
    private void unlift(Event call) {
        if (call.match != null) {
            restore(call.match);
            requiredLeft++;
        }
        countPending(call.operation, 1);
        restore(call);
    }

    private static void remove(Event event) {
        event.previous.next = event.next;
        if (event.next != null) {
            event.next.previous = event.previous;
        }
    }

    private static void restore(Event event) {
        event.previous.next = event;
        if (event.next != null) {
            event.next.previous = event;
        }
    }

    private static List<Operation> order(Frame frame) {
        List<Operation> order = new ArrayList<>();
        for (Frame at = frame; at != null; at = at.previous) {
            order.add(at.call.operation);
        }
        Collections.reverse(order);
        return order;
    }
}
