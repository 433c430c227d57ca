/**
 * The network face of Basalt: a Netty HTTP/1.1 server that speaks DynamoDB's JSON 1.0 protocol. Every request
 * passes one pipeline of named stages ({@link io.basalt.server.RequestHandler}, cluster.md §17): size cap,
 * HTTP-level answers (malformed requests, CORS preflight, health check), admission
 * ({@link io.basalt.server.Admission}), authentication, body decoding ({@link io.basalt.server.RequestDecoding}),
 * JSON parse, operation lookup ({@link io.basalt.server.OperationRegistry}), the authentication verdict,
 * validation, dispatch to one handler per operation, and one error formatter
 * ({@link io.basalt.server.ErrorFormatter}). Responses carry DynamoDB's headers
 * ({@link io.basalt.server.ResponseHeaders}) and are compressed when the client accepts it
 * ({@link io.basalt.server.ResponseCompression}); docs/design/http.md has the sources. A cluster node serves through
 * {@link io.basalt.server.ClusterNodeServer}: the same server over the cluster-mode node, beside the node's internal
 * RPC on the same event loops (cluster.md §12.1).
 */
package io.basalt.server;
