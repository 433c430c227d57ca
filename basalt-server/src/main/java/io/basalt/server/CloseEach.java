package io.basalt.server;

import java.util.List;

/**
 * Closes the parts of something that owns several (threads, ports, a node's API side), each even when one before it
 * threw: a part that fails to close must not leave the later ones running. The first failure is thrown, with the
 * later ones suppressed in it.
 */
final class CloseEach {
    private CloseEach() {
    }

    /** Runs every step in order; then throws the first step's failure, if any, the later ones suppressed in it. */
    static void run(List<Runnable> steps) {
        RuntimeException first = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
