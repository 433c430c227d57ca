package io.basalt.server;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Limits;

/**
 * Network settings.
 *
 * @param host the address to bind (127.0.0.1 by default: a local database is not exposed unless asked)
 * @param port the port to bind; 0 picks a free one
 * @param maxRequestBytes bodies larger than this are refused before they are read
 */
public record ServerConfig(String host, int port, int maxRequestBytes) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;

    public ServerConfig {
        requireNonNull(host, "host is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
        }
    }

    public static ServerConfig of(String host, int port) {
        return new ServerConfig(host, port, Limits.MAX_REQUEST_BYTES);
    }
}
