/**
 * JMH micro-benchmarks of the hot pieces. Build with {@code ./mvnw -B package -pl basalt-bench -am -DskipTests},
 * run with {@code java -jar basalt-bench/target/benchmarks.jar}. Not part of the test suite.
 */
package io.basalt.bench;
