/**
 * Basalt embedded in a JVM: {@link io.basalt.embedded.EmbeddedBasalt} starts a server in this process on a free
 * loopback port, resets it between tests, creates tables from DynamoDB JSON and exposes the test controls (global
 * index propagation, transaction faults, the clock) as Java calls. Published as the shaded
 * {@code io.basalt:basalt-embedded} jar, whose third-party libraries live under {@code io.basalt.shaded}.
 */
package io.basalt.embedded;
