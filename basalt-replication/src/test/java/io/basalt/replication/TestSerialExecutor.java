package io.basalt.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class TestSerialExecutor {
    private ExecutorService pool;

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "inline tasks: {0}")
    @ValueSource(ints = {0, SerialExecutor.INLINE_TASKS})
    void tasksRunInSubmissionOrder(int inlineTasks) throws Exception {
        pool = Executors.newFixedThreadPool(4);
        SerialExecutor executor = new SerialExecutor(pool, inlineTasks);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(10_000);
        for (int i = 0; i < 10_000; i++) {
            int task = i;
            executor.execute(() -> {
                order.add(task);
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < order.size(); i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
    }

    @ParameterizedTest(name = "inline tasks: {0}")
    @ValueSource(ints = {0, SerialExecutor.INLINE_TASKS})
    void tasksNeverRunConcurrentlyAndSeeEachOthersWrites(int inlineTasks) throws Exception {
        pool = Executors.newFixedThreadPool(8);
        SerialExecutor executor = new SerialExecutor(pool, inlineTasks);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        int[] plainCounter = new int[1];
        int threads = 8;
        int perThread = 2000;
        CountDownLatch done = new CountDownLatch(threads * perThread);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            submitters.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    executor.execute(() -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        plainCounter[0]++;
                        running.decrementAndGet();
                        done.countDown();
                    });
                }
            }));
        }
        submitters.forEach(Thread::start);
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(maxRunning.get()).isEqualTo(1);
        CountDownLatch read = new CountDownLatch(1);
        int[] seen = new int[1];
        executor.execute(() -> {
            seen[0] = plainCounter[0];
            read.countDown();
        });
        assertThat(read.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seen[0]).isEqualTo(threads * perThread);
    }

    @Test
    void aBusyExecutorDoesNotStarveAnotherOnTheSamePool() throws Exception {
        pool = Executors.newSingleThreadExecutor();
        SerialExecutor busy = new SerialExecutor(pool, 0);
        SerialExecutor quiet = new SerialExecutor(pool, 0);
        CountDownLatch gate = new CountDownLatch(1);
        pool.execute(() -> awaitQuietly(gate));
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(10_001);
        for (int i = 0; i < 10_000; i++) {
            int task = i;
            busy.execute(() -> {
                order.add("busy-" + task);
                done.countDown();
            });
        }
        quiet.execute(() -> {
            order.add("quiet");
            done.countDown();
        });
        gate.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        // The busy executor yields the pool after a bounded turn, so the quiet one runs long before 10000 tasks.
        assertThat(order.indexOf("quiet")).isBetween(1, 1000);
    }

    @Test
    void aThrowingTaskDoesNotStrandTheTasksBehindIt() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        SerialExecutor executor = new SerialExecutor(pool, 0);
        CountDownLatch gate = new CountDownLatch(1);
        executor.execute(() -> awaitQuietly(gate));
        executor.execute(() -> {
            throw new IllegalStateException("task failed");
        });
        CountDownLatch after = new CountDownLatch(2);
        executor.execute(after::countDown);
        gate.countDown();
        executor.execute(after::countDown);
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anIdleExecutorRunsATaskOnTheSubmittingThread() {
        pool = Executors.newSingleThreadExecutor();
        SerialExecutor executor = new SerialExecutor(pool);
        Thread[] ranOn = new Thread[1];
        executor.execute(() -> ranOn[0] = Thread.currentThread());
        assertThat(ranOn[0]).isSameAs(Thread.currentThread());
    }

    @Test
    void aTaskSubmittedByATaskRunsAfterItNotInsideIt() {
        pool = Executors.newSingleThreadExecutor();
        SerialExecutor executor = new SerialExecutor(pool);
        List<String> order = new ArrayList<>();
        executor.execute(() -> {
            executor.execute(() -> order.add("inner"));
            order.add("outer");
        });
        assertThat(order).containsExactly("outer", "inner");
    }

    @Test
    void aSubmitterRunsABoundedNumberOfQueuedTasksThenHandsTheRestToThePool() throws Exception {
        pool = Executors.newSingleThreadExecutor();
        SerialExecutor executor = new SerialExecutor(pool);
        Thread submitter = Thread.currentThread();
        AtomicInteger onSubmitter = new AtomicInteger();
        int total = 10 * SerialExecutor.INLINE_TASKS;
        CountDownLatch done = new CountDownLatch(total);
        executor.execute(() -> {
            // Queued while the first task runs: the submitter runs a few, the pool the rest.
            for (int i = 1; i < total; i++) {
                executor.execute(() -> {
                    if (Thread.currentThread() == submitter) {
                        onSubmitter.incrementAndGet();
                    }
                    done.countDown();
                });
            }
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onSubmitter.get()).isEqualTo(SerialExecutor.INLINE_TASKS - 1);
    }

    @Test
    void aPoolThatRejectsLeavesTheQueuedTasksToTheirSubmitter() throws Exception {
        pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        SerialExecutor executor = new SerialExecutor(pool);
        AtomicInteger ran = new AtomicInteger();
        executor.execute(() -> {
            for (int i = 0; i < 100; i++) {
                executor.execute(ran::incrementAndGet);
            }
        });
        assertThat(ran.get()).isEqualTo(100);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
