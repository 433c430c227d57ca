/**
 * The JUnit 5 extension for Basalt: {@link io.basalt.junit.BasaltExtension} (registered with
 * {@code @RegisterExtension}) or {@link io.basalt.junit.BasaltTest}, one in-memory server per test class or one
 * shared by all, with AWS SDK v2 and v1 clients made from whichever SDK the test has. JUnit Jupiter's API is the only
 * library these classes expect; the SDK classes are touched only by {@link io.basalt.junit.SdkV2} and
 * {@link io.basalt.junit.SdkV1}, loaded when first called.
 */
package io.basalt.junit;
