/**
 * The network face of Basalt: a Netty HTTP/1.1 server that speaks DynamoDB's JSON 1.0 protocol. Every request
 * passes one pipeline ({@link io.basalt.server.RequestHandler}): size cap, target lookup, authorization header,
 * JSON parse, validation, dispatch to one handler per operation, and one error formatter
 * ({@link io.basalt.server.ErrorFormatter}).
 */
package io.basalt.server;
