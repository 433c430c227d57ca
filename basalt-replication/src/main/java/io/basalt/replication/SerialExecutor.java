package io.basalt.replication;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order: a partition's sequencer without a thread of its own. A task
 * submitted while the executor is idle runs at once on the submitting thread (which saves a thread hand-off, the
 * largest cost of a write on a busy core); tasks submitted meanwhile queue up, and the submitting thread runs a
 * few of them before it hands the rest to the shared pool, so no caller is held for long. Thread-safe.
 *
 * <p>Callers must therefore submit only from threads that may run a partition task: never while holding a lock
 * that a task takes.
 */
public final class SerialExecutor implements Executor {
    /** How many tasks a submitting thread runs, by default, before it hands the rest to the pool. */
    static final int INLINE_TASKS = 16;
    /** How many tasks a pool thread runs per turn, so one busy partition does not starve the others. */
    private static final int POOL_TASKS = 256;

    private final Executor pool;
    private final int inlineTasks;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    /** Whether a thread (a submitter or a pool turn) is running this executor's tasks, or a turn is scheduled. */
    private boolean running;

    SerialExecutor(Executor pool) {
        this(pool, INLINE_TASKS);
    }

    /** @param inlineTasks how many tasks a submitting thread may run; 0: every task runs on the pool */
    public SerialExecutor(Executor pool, int inlineTasks) {
        this.pool = requireNonNull(pool, "pool is null");
        this.inlineTasks = inlineTasks;
    }

    @Override
    public void execute(Runnable task) {
        requireNonNull(task, "task is null");
        synchronized (tasks) {
            if (running || inlineTasks == 0) {
                tasks.add(task);
                if (running) {
                    return;
                }
            }
            running = true;
        }
        if (inlineTasks == 0) {
            schedulePoolTurn();
        } else {
            runTasks(task, inlineTasks);
        }
    }

    /** Runs {@code first}, then queued tasks, at most {@code budget} in all; then leaves the rest to the pool. */
    private void runTasks(Runnable first, int budget) {
        Runnable task = first;
        for (int ran = 1; ; ran++) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // running is still true, so without a new turn every later task of this executor would wait
                // forever; the caller (or the pool) then reports the failure as it would for any task.
                schedulePoolTurn();
                throw e;
            }
            synchronized (tasks) {
                if (tasks.isEmpty()) {
                    running = false;
                    return;
                }
                if (ran >= budget) {
                    break;
                }
                task = tasks.poll();
            }
        }
        schedulePoolTurn();
    }

    /** Hands the queued tasks to the pool (or clears {@code running} when there are none). */
    private void schedulePoolTurn() {
        synchronized (tasks) {
            if (tasks.isEmpty()) {
                running = false;
                return;
            }
        }
        try {
            pool.execute(this::poolTurn);
        } catch (RejectedExecutionException e) {
            // The pool is shutting down: run what is queued here rather than strand the futures waiting on it.
            poolTurn();
        }
    }

    private void poolTurn() {
        Runnable first;
        synchronized (tasks) {
            first = tasks.poll();
            if (first == null) {
                running = false;
                return;
            }
        }
        runTasks(first, POOL_TASKS);
    }
}
