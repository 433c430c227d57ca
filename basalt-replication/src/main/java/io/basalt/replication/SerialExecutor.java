package io.basalt.replication;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a partition's sequencer without a thread of
 * its own. Thread-safe.
 */
final class SerialExecutor implements Executor {
    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor pool) {
        this.pool = requireNonNull(pool, "pool is null");
    }

    @Override
    public void execute(Runnable task) {
        requireNonNull(task, "task is null");
        synchronized (tasks) {
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The pool is shutting down: forget the task and leave the executor usable, then tell the caller.
            synchronized (tasks) {
                tasks.remove(task);
                scheduled = false;
            }
            throw e;
        }
    }

    private void drain() {
        // Run a bounded number of tasks per turn so one busy partition does not starve the others on the pool.
        for (int i = 0; i < 256; i++) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.poll();
                if (task == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // scheduled is still true, so without a new turn every later task of this executor would wait
                // forever; the pool then reports the failure as it would for any task.
                pool.execute(this::drain);
                throw e;
            }
        }
        pool.execute(this::drain);
    }
}
