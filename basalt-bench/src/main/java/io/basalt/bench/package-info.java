/**
 * JMH micro-benchmarks of the hot pieces, and {@link io.basalt.bench.CeilingServer} for the side-by-side harness
 * ({@code tools/bench/side-by-side.sh}). Build with {@code ./mvnw -B package -pl basalt-bench -am -DskipTests},
 * run the micro-benchmarks with {@code java -jar basalt-bench/target/benchmarks.jar}.
 */
package io.basalt.bench;
