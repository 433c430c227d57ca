package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code prefix1}, {@code prefix2}, ...: a node's pools never keep the JVM alive. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A factory of daemon threads named by {@code prefix} and a count from 1. */
    public static ThreadFactory named(String prefix) {
        requireNonNull(prefix, "prefix is null");
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
