package io.basalt.testing.linearizability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Wing and Gong's linearizability search with Lowe's memoisation over one register, in the shape of Porcupine's
 * {@code checkSingle}: the history is a doubly linked list of call and return events in time order; the search
 * repeatedly linearizes a call that precedes every remaining return (removing its events from the list), and
 * backtracks when it meets a return whose operation could not be linearized yet.
 *
 * <p>Unknown operations have a call event and no return event: nothing forces them, so they may be linearized at
 * any point after their call or never. The search succeeds when every operation with a known outcome is
 * linearized. Events at the same instant are ordered calls first, so operations that touch are treated as
 * concurrent: the checker never reports a violation that depends on the order of equal timestamps.
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
    private final Event head = new Event(null, false, false, -1);
    private final LinearizedSet linearized;
    private final VisitedStates visited = new VisitedStates();
    private int requiredLeft;

    private WingGongSearch(KeyProblem problem, long deadlineNanos) {
        this.problem = problem;
        this.deadlineNanos = deadlineNanos;
        List<Event> events = new ArrayList<>();
        int required = 0;
        int optional = 0;
        for (Operation operation : problem.operations()) {
            boolean isOptional = KeyProblem.isOptional(operation);
            Event call = new Event(operation, true, isOptional, isOptional ? optional++ : required++);
            events.add(call);
            if (!isOptional) {
                Event returned = new Event(operation, false, false, call.bit);
                call.match = returned;
                events.add(returned);
            }
        }
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
        this.requiredLeft = required;
        this.linearized = new LinearizedSet(required, optional);
    }

    private static long time(Event event) {
        return event.call ? event.operation.callNanos() : event.operation.returnNanos();
    }

    /** Searches {@code problem} until it is decided or {@link System#nanoTime()} passes {@code deadlineNanos}. */
    static SearchResult run(KeyProblem problem, long deadlineNanos) {
        return new WingGongSearch(problem, deadlineNanos).search();
    }

    private SearchResult search() {
        RegisterState state = problem.start();
        Frame top = null;
        Frame longest = null;
        RegisterState stateAfterLongest = state;
        Operation stuck = null;
        Event event = head.next;
        long steps = 0;
        while (requiredLeft > 0) {
            if (++steps % STEPS_PER_CLOCK_CHECK == 0 && System.nanoTime() - deadlineNanos > 0) {
                return new SearchResult(SearchResult.Status.OUT_OF_TIME, List.of(), problem.start(), null, steps);
            }
            if (event.call) {
                Optional<RegisterState> after = RegisterModel.step(state, event.operation);
                if (after.isPresent()) {
                    toggle(event);
                    if (visited.add(linearized, after.get())) {
                        top = new Frame(event, state, top, top == null ? 1 : top.depth + 1);
                        state = after.get();
                        lift(event);
                        event = head.next;
                        continue;
                    }
                    toggle(event);
                }
                event = event.next;
            } else {
                // A return: its operation had to be linearized by now, and no order so far allows it.
                int depth = top == null ? 0 : top.depth;
                if (stuck == null || depth > (longest == null ? 0 : longest.depth)) {
                    longest = top;
                    stateAfterLongest = state;
                    stuck = event.operation;
                }
                if (top == null) {
                    return new SearchResult(SearchResult.Status.VIOLATION, order(longest), stateAfterLongest, stuck,
                            steps);
                }
                event = top.call;
                state = top.before;
                top = top.previous;
                toggle(event);
                unlift(event);
                event = event.next;
            }
        }
        return new SearchResult(SearchResult.Status.LINEARIZABLE, List.of(), state, null, steps);
    }

    private void toggle(Event call) {
        if (call.optional) {
            linearized.toggleOptional(call.bit);
        } else {
            linearized.toggleRequired(call.bit);
        }
    }

    private void lift(Event call) {
        call.previous.next = call.next;
        if (call.next != null) {
            call.next.previous = call.previous;
        }
        if (call.match != null) {
            Event returned = call.match;
            returned.previous.next = returned.next;
            if (returned.next != null) {
                returned.next.previous = returned.previous;
            }
            requiredLeft--;
        }
    }

    private void unlift(Event call) {
        if (call.match != null) {
            Event returned = call.match;
            returned.previous.next = returned;
            if (returned.next != null) {
                returned.next.previous = returned;
            }
            requiredLeft++;
        }
        call.previous.next = call;
        if (call.next != null) {
            call.next.previous = call;
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
