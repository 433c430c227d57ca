package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One client operation on one register, as recorded.
 *
 * @param id unique within the history
 * @param client who issued it (operations of one client do not overlap when the client is sequential, but the
 *     checker does not rely on that)
 * @param key the register (the item's key)
 * @param command what was asked
 * @param callNanos {@link System#nanoTime()} just before the request was sent
 * @param returnNanos {@link System#nanoTime()} just after the response (or the error) arrived; for an unknown
 *     outcome, when the client gave up, which bounds nothing
 * @param outcome what the client learned
 */
public record Operation(int id, String client, String key, Command command, long callNanos, long returnNanos,
        Outcome outcome) {
    public Operation {
        requireNonNull(client, "client is null");
        requireNonNull(key, "key is null");
        requireNonNull(command, "command is null");
        requireNonNull(outcome, "outcome is null");
        if (returnNanos < callNanos) {
            throw new IllegalArgumentException("operation " + id + " returns before its call");
        }
        Outcome.Status status = outcome.status();
        boolean fits = switch (command.kind()) {
            case GET -> status == Outcome.Status.READ || !outcome.isKnown();
            case PUT, DELETE -> status == Outcome.Status.OK || !outcome.isKnown();
            case UPDATE -> status != Outcome.Status.READ;
        };
        if (!fits) {
            throw new IllegalArgumentException("operation " + id + ": " + command.kind() + " cannot end " + status);
        }
    }

    /** This operation with another outcome (the window cut turns operations it splits into unknown ones). */
    Operation withOutcome(Outcome newOutcome) {
        return new Operation(id, client, key, command, callNanos, returnNanos, newOutcome);
    }

    /** One report line: id, client, times relative to {@code originNanos} in milliseconds, command, outcome. */
    public String describe(long originNanos) {
        return String.format(Locale.ROOT, "#%-6d %-10s [%s, %s] %-32s -> %s", id, client,
                millis(callNanos - originNanos), millis(returnNanos - originNanos), command, outcome);
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%+10.3f ms", nanos / 1_000_000.0);
    }
}
