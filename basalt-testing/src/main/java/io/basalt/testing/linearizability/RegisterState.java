package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state of one register: {@link Absent}, {@link Present} with a version and a value, or, only at the start
 * of a window cut out of a longer history, {@link OneOf} several candidate states.
 */
public sealed interface RegisterState {
    /** The item does not exist. */
    RegisterState ABSENT = new Absent();

    /** The item does not exist (never written, or deleted). */
    record Absent() implements RegisterState {
        @Override
        public String toString() {
            return "absent";
        }
    }

    /** The item exists with this version and value. */
    record Present(long version, String value) implements RegisterState {
        public Present {
            requireNonNull(value, "value is null");
        }

        @Override
        public String toString() {
            return "v" + version + " " + quote(value);
        }
    }

    /**
     * One of several states, not known which: the register's state at the start of a violation window is the
     * result of one of the writes that could have been the last before it (see {@code Windows}). Reads and
     * updates narrow it; blind writes replace it.
     */
    record OneOf(Set<RegisterState> candidates) implements RegisterState {
        private static final int SHOWN = 12;

        public OneOf {
            candidates = Set.copyOf(requireNonNull(candidates, "candidates is null"));
            if (candidates.size() < 2) {
                throw new IllegalArgumentException("OneOf needs at least two candidates: " + candidates);
            }
            for (RegisterState candidate : candidates) {
                if (candidate instanceof OneOf) {
                    throw new IllegalArgumentException("OneOf nested in OneOf");
                }
            }
        }

        @Override
        public String toString() {
            List<String> shown = candidates.stream().map(RegisterState::toString).sorted().toList();
            String more = shown.size() > SHOWN ? ", and " + (shown.size() - SHOWN) + " more" : "";
            return shown.stream().limit(SHOWN).collect(Collectors.joining(", ", "one of {", more + "}"));
        }
    }

    static RegisterState present(long version, String value) {
        return new Present(version, value);
    }

    /** The single candidate itself, or a {@link OneOf}; {@code candidates} must not be empty. */
    static RegisterState oneOf(Collection<RegisterState> candidates) {
        Set<RegisterState> flat = new LinkedHashSet<>();
        for (RegisterState candidate : candidates) {
            if (candidate instanceof OneOf oneOf) {
                flat.addAll(oneOf.candidates());
            } else {
                flat.add(requireNonNull(candidate, "candidate is null"));
            }
        }
        if (flat.isEmpty()) {
            throw new IllegalArgumentException("no candidate states");
        }
        return flat.size() == 1 ? flat.iterator().next() : new OneOf(flat);
    }

    /** A value in double quotes, for reports. */
    static String quote(String value) {
        return "\"" + value + "\"";
    }
}
