package io.basalt.testing.linearizability;

import java.util.ArrayList;
import java.util.List;

/** Hand-made histories for tests: times are plain numbers, ids count up from 0 in the order operations are added. */
final class HistoryBuilder {
    private final List<Operation> operations = new ArrayList<>();
    private String key = "k";

    /** Later operations are on {@code newKey}. */
    HistoryBuilder on(String newKey) {
        this.key = newKey;
        return this;
    }

    HistoryBuilder add(String client, long call, long returned, Command command, Outcome outcome) {
        operations.add(new Operation(operations.size(), client, key, command, call, returned, outcome));
        return this;
    }

    HistoryBuilder put(String client, long call, long returned, long version, String value) {
        return add(client, call, returned, Command.put(version, value), Outcome.ok());
    }

    HistoryBuilder putUnknown(String client, long call, long version, String value) {
        return add(client, call, call + 1, Command.put(version, value), Outcome.unknown("timeout"));
    }

    HistoryBuilder update(String client, long call, long returned, long expected, String value, boolean applied) {
        return add(client, call, returned, Command.update(expected, value),
                applied ? Outcome.ok() : Outcome.conditionFailed());
    }

    HistoryBuilder delete(String client, long call, long returned) {
        return add(client, call, returned, Command.delete(), Outcome.ok());
    }

    HistoryBuilder get(String client, long call, long returned, long version, String value) {
        return add(client, call, returned, Command.get(), Outcome.read(RegisterState.present(version, value)));
    }

    HistoryBuilder getAbsent(String client, long call, long returned) {
        return add(client, call, returned, Command.get(), Outcome.read(RegisterState.ABSENT));
    }

    History build() {
        return History.of(operations);
    }
}
