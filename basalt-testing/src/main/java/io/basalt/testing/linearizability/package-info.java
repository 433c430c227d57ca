/**
 * A linearizability checker for histories of single-item DynamoDB operations, and a recorder that captures such
 * histories from AWS SDK clients (docs/design/cluster.md §21.4).
 *
 * <p>Each item is a register: absent, or a {@code (version, value)} pair. Clients read it with a strongly
 * consistent GetItem, overwrite it with PutItem, replace it with an UpdateItem conditional on its version, and
 * remove it with DeleteItem ({@link io.basalt.testing.linearizability.RegisterModel}). A
 * {@link io.basalt.testing.linearizability.HistoryRecorder} stamps every call and response with
 * {@link java.lang.System#nanoTime()}; an operation whose outcome the client could not learn (a timeout, a 5xx, a
 * reset connection) is recorded as <em>unknown</em>: it may have taken effect at any time after its call, or never.
 *
 * <p>{@link io.basalt.testing.linearizability.LinearizabilityChecker} splits a history by key (linearizability is
 * local, so each register can be checked alone, as Porcupine's P-compositionality does) and runs Wing and Gong's
 * search with Lowe's memoisation of (linearized operations, register state) on each, within a time budget; when
 * the budget runs out the verdict is unknown, never a pass. Unknown operations get their own cuts
 * ({@link io.basalt.testing.linearizability.UnknownOperations}), and violations that one read or a short window
 * proves are looked for first. A violation is reported as the smallest failing window of one key's operations, in
 * time order.
 *
 * <p>Sources (read, not copied): J. M. Wing and C. Gong, "Testing and verifying concurrent objects" (1993);
 * G. Lowe, "Testing for linearizability" (2017); anishathalye/porcupine ({@code checker.go}); M. Herlihy and
 * J. Wing, "Linearizability: a correctness condition for concurrent objects" (1990), for locality.
 */
package io.basalt.testing.linearizability;
