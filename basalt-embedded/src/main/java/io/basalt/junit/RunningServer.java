package io.basalt.junit;

import static java.util.Objects.requireNonNull;

import io.basalt.embedded.EmbeddedBasalt;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A started server with the SDK clients made for it, kept in a JUnit store: JUnit closes it, clients first, when the
 * store's context ends (the test class's, or the root's for a shared server). Both {@code AutoCloseable}, which JUnit
 * closes from 5.13 on (and warns about a value that is only the other), and {@code CloseableResource}, the only one
 * JUnit before 5.13 closes; JUnit calls one {@code close()}, never both.
 */
@SuppressWarnings("deprecation")
final class RunningServer implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final EmbeddedBasalt server;
    private SdkV2 sdkV2;
    private SdkV1 sdkV1;

    RunningServer(EmbeddedBasalt server) {
        this.server = requireNonNull(server, "server is null");
    }

    EmbeddedBasalt server() {
        return server;
    }

    synchronized SdkV2 sdkV2() {
        if (sdkV2 == null) {
            sdkV2 = new SdkV2(server);
        }
        return sdkV2;
    }

    synchronized SdkV1 sdkV1() {
        if (sdkV1 == null) {
            sdkV1 = new SdkV1(server);
        }
        return sdkV1;
    }

    @Override
    public synchronized void close() {
        try {
            if (sdkV2 != null) {
                sdkV2.close();
            }
            if (sdkV1 != null) {
                sdkV1.close();
            }
        } finally {
            server.close();
        }
    }
}
