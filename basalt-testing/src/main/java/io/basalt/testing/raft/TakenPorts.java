package io.basalt.testing.raft;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

/**
 * Free ports for the test harnesses, and telling a start that failed because its port was taken from any other
 * failure. The harnesses choose ports free, release them and bind them later (the peers must know a member's port
 * before it starts); on a busy machine another process — an outgoing connection taking a freed port as its local
 * one, another test — can hold the port in between (docs/design/cluster.md "s18 robustness" and s19).
 */
public final class TakenPorts {
    private TakenPorts() {
    }

    /**
     * Whether a start failed binding its port: gRPC's "Failed to bind", the kernel's "Address already in use" (Netty
     * and the JDK), or a {@link BindException} anywhere in the cause chain.
     */
    public static boolean isBindFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (cause instanceof BindException || message != null
                    && (message.contains("Failed to bind") || message.contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /** A port free now on the loopback address (and free for anyone once this returns). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Takes {@code port} on the loopback address, as another process would (tests; close it to free the port). */
    public static ServerSocket hold(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Takes {@code port} now and frees it after {@code duration}, on a thread of its own (returned, started): a port
     * held for a moment, as an outgoing connection holds a local port.
     */
    public static Thread holdFor(int port, Duration duration) throws IOException {
        ServerSocket held = hold(port);
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    held.close();
                } catch (IOException e) {
                    // Closing a listening socket that accepted nothing does not fail in practice; nothing to do.
                }
            }
        }, "release-port-" + port);
        release.start();
        return release;
    }

    /** Whether {@code port} on the loopback address can be bound now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
