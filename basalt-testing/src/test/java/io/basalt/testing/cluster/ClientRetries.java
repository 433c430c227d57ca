package io.basalt.testing.cluster;

import java.time.Duration;

/** What the cluster tests' clients do where an SDK would retry (theirs make one attempt: {@code TestClients}). */
final class ClientRetries {
    private ClientRetries() {
    }

    /**
     * Runs {@code call} until it succeeds, for at most {@code timeout}: a call refused (503: a table not yet
     * writable, a group electing) or ambiguous (500) meanwhile is made again 50 ms later; the last failure is thrown.
     */
    static void retryUntil(Duration timeout, Runnable call) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                call.run();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
