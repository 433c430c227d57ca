package io.basalt.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run settings every micro-benchmark class shares, so that their figures compare: average time per operation
 * in nanoseconds, 3 × 1 s of warm-up, 5 × 1 s of measurement, one fork. JMH's annotations are inherited; options
 * on the command line ({@code -wi}, {@code -i}, {@code -f}, ...) still override them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
abstract class MicroBenchmark {
}
