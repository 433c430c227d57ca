package io.basalt.testing.linearizability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded random histories for tests. */
final class RandomHistories {
    /** A version no generated write uses. */
    static final long NEVER_WRITTEN_VERSION = 999_999;

    private RandomHistories() {
    }

    /**
     * A linearizable history: {@code operations} operations on {@code keys} keys take effect one after another,
     * 100 ns apart, and each is recorded with a call and a return up to {@code jitter} ns around that point, so
     * neighbours overlap. Some writes end unknown (half of those took effect, half did not), some reads end
     * unknown, some requests fail definitely (and change nothing).
     */
    static History sequential(long seed, int keys, int operations, int jitter) {
        return sequential(seed, keys, operations, jitter, 50);
    }

    /** As above, with {@code unknownPerMille} of the writes ending unknown (the other form uses 50, 5 %). */
    static History sequential(long seed, int keys, int operations, int jitter, int unknownPerMille) {
        Random random = new Random(seed);
        Map<String, RegisterState> states = new HashMap<>();
        List<Operation> recorded = new ArrayList<>();
        for (int i = 0; i < operations; i++) {
            String key = "k" + random.nextInt(keys);
            RegisterState state = states.getOrDefault(key, RegisterState.ABSENT);
            long point = 1_000_000L + 100L * i;
            long call = point - random.nextInt(jitter + 1);
            long returned = point + random.nextInt(jitter + 1);
            Command command = command(random, state, "x" + i);
            Outcome outcome;
            int roll = random.nextInt(1000);
            if (roll < 20) {
                outcome = Outcome.failed("ValidationException");
            } else if (roll < 20 + unknownPerMille && command.isWrite()) {
                outcome = Outcome.unknown("timeout");
                if (random.nextBoolean()) {
                    states.put(key, apply(state, command));
                }
            } else if (roll < 50 && !command.isWrite()) {
                outcome = Outcome.unknown("timeout");
            } else {
                outcome = expected(state, command);
                states.put(key, apply(state, command));
            }
            recorded.add(new Operation(i, "c" + random.nextInt(8), key, command, call, returned, outcome));
        }
        return History.of(recorded);
    }

    private static Command command(Random random, RegisterState state, String value) {
        int roll = random.nextInt(100);
        long version = state instanceof RegisterState.Present present ? present.version() : 0;
        if (roll < 40) {
            return Command.get();
        } else if (roll < 60) {
            return Command.put(version + 1, value);
        } else if (roll < 90) {
            return Command.update(random.nextInt(4) == 0 ? version + 1 : version, value);
        }
        return Command.delete();
    }

    /** The outcome {@code command} has on {@code state}, run alone. */
    static Outcome expected(RegisterState state, Command command) {
        return switch (command.kind()) {
            case GET -> Outcome.read(state);
            case PUT, DELETE -> Outcome.ok();
            case UPDATE -> meets(state, command) ? Outcome.ok() : Outcome.conditionFailed();
        };
    }

    static RegisterState apply(RegisterState state, Command command) {
        return switch (command.kind()) {
            case GET -> state;
            case PUT -> RegisterState.present(command.version(), command.value());
            case DELETE -> RegisterState.ABSENT;
            case UPDATE -> meets(state, command)
                    ? RegisterState.present(command.version() + 1, command.value())
                    : state;
        };
    }

    private static boolean meets(RegisterState state, Command command) {
        return state instanceof RegisterState.Present present && present.version() == command.version();
    }

    /** {@code history} with one read (chosen by {@code seed}) changed to return a value no one wrote. */
    static Mutated mutateOneRead(History history, long seed) {
        List<Operation> reads = history.operations().stream()
                .filter(operation -> operation.outcome().status() == Outcome.Status.READ)
                .toList();
        Operation victim = reads.get(new Random(seed).nextInt(reads.size()));
        List<Operation> operations = new ArrayList<>(history.operations());
        operations.replaceAll(operation -> operation == victim
                ? operation.withOutcome(Outcome.read(RegisterState.present(NEVER_WRITTEN_VERSION, "never written")))
                : operation);
        return new Mutated(History.of(operations), victim.id());
    }

    record Mutated(History history, int mutatedId) {
    }

    /**
     * {@code history} with one read (chosen by {@code seed}) changed to return the value of a PUT that another
     * completed PUT overwrote before the read began: stale, and a violation whatever else happened, since values
     * are unique.
     */
    static Mutated makeOneReadStale(History history, long seed) {
        List<Operation> operations = new ArrayList<>(history.operations());
        List<Operation> reads = operations.stream()
                .filter(operation -> operation.outcome().status() == Outcome.Status.READ)
                .toList();
        Random random = new Random(seed);
        for (int attempt = 0; attempt < 10_000; attempt++) {
            Operation read = reads.get(random.nextInt(reads.size()));
            List<Operation> puts = operations.stream()
                    .filter(operation -> operation.key().equals(read.key())
                            && operation.command().kind() == Command.Kind.PUT
                            && operation.outcome().status() == Outcome.Status.OK
                            && operation.returnNanos() < read.callNanos())
                    .toList();
            for (int i = puts.size() - 2; i >= 0; i--) {
                Operation stale = puts.get(i);
                boolean overwritten = puts.subList(i + 1, puts.size()).stream()
                        .anyMatch(later -> later.callNanos() > stale.returnNanos());
                if (overwritten) {
                    RegisterState old = RegisterState.present(stale.command().version(), stale.command().value());
                    operations.replaceAll(operation -> operation == read
                            ? operation.withOutcome(Outcome.read(old))
                            : operation);
                    return new Mutated(History.of(operations), read.id());
                }
            }
        }
        throw new IllegalStateException("no read of seed " + seed + " follows an overwritten PUT");
    }

    /**
     * A small random history on one key, linearizable or not: up to {@code maxOperations} operations with random
     * overlapping intervals and random (plausible) outcomes over two values and three versions.
     */
    static List<Operation> smallConcurrent(Random random, int maxOperations) {
        int count = 1 + random.nextInt(maxOperations);
        List<Operation> operations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long call = random.nextInt(30);
            long returned = call + random.nextInt(12);
            String value = random.nextBoolean() ? "a" : "b";
            long version = random.nextInt(3);
            Command command = switch (random.nextInt(4)) {
                case 0 -> Command.get();
                case 1 -> Command.put(version, value);
                case 2 -> Command.update(version, value);
                default -> Command.delete();
            };
            Outcome outcome;
            if (command.isWrite() && random.nextInt(5) == 0) {
                outcome = Outcome.unknown("timeout");
            } else if (command.kind() == Command.Kind.GET) {
                outcome = Outcome.read(random.nextInt(4) == 0
                        ? RegisterState.ABSENT
                        : RegisterState.present(random.nextInt(3), random.nextBoolean() ? "a" : "b"));
            } else if (command.kind() == Command.Kind.UPDATE) {
                outcome = random.nextBoolean() ? Outcome.ok() : Outcome.conditionFailed();
            } else {
                outcome = Outcome.ok();
            }
            operations.add(new Operation(i, "c" + i, "k", command, call, returned, outcome));
        }
        operations.sort(History.CALL_ORDER);
        return operations;
    }
}
