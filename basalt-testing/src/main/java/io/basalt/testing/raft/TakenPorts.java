package io.basalt.testing.raft;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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
