/**
 * Fixtures for tests of other modules and of applications: an in-process Basalt server over real HTTP, and
 * AWS SDK clients pointed at it (or at any endpoint named by {@code -Dbasalt.endpoint}).
 */
package io.basalt.testing;
