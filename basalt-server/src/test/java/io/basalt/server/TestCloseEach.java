package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CloseEach}, which {@link ClusterNodeServer#close} closes its parts with. */
class TestCloseEach {
    @Test
    void everyStepRunsAndTheFirstFailureIsThrownWithTheLaterOnesSuppressed() {
        List<String> closed = new ArrayList<>();
        IllegalStateException first = new IllegalStateException("the node");
        IllegalArgumentException second = new IllegalArgumentException("the view");
        assertThatThrownBy(() -> CloseEach.run(List.of(
                () -> closed.add("membership"),
                () -> {
                    closed.add("node");
                    throw first;
                },
                () -> closed.add("control"),
                () -> {
                    closed.add("view");
                    throw second;
                },
                () -> closed.add("executors")))).isSameAs(first);
        assertThat(closed).containsExactly("membership", "node", "control", "view", "executors");
        assertThat(first.getSuppressed()).containsExactly(second);
    }

    @Test
    void stepsThatAllCloseThrowNothing() {
        List<String> closed = new ArrayList<>();
        CloseEach.run(List.of(() -> closed.add("a"), () -> closed.add("b")));
        assertThat(closed).containsExactly("a", "b");
    }
}
