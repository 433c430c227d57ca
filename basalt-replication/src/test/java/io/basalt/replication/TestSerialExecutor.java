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

@Timeout(30)
class TestSerialExecutor {
    private ExecutorService pool;

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void tasksRunInSubmissionOrder() throws Exception {
        pool = Executors.newFixedThreadPool(4);
        SerialExecutor executor = new SerialExecutor(pool);
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

    @Test
    void tasksNeverRunConcurrentlyAndSeeEachOthersWrites() throws Exception {
        pool = Executors.newFixedThreadPool(8);
        SerialExecutor executor = new SerialExecutor(pool);
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
        SerialExecutor busy = new SerialExecutor(pool);
        SerialExecutor quiet = new SerialExecutor(pool);
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
        SerialExecutor executor = new SerialExecutor(pool);
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
