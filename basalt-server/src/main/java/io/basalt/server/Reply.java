package io.basalt.server;

import static java.util.Objects.requireNonNull;

/**
 * How to answer one request, fixed when it arrives: its id, whether the connection stays open, the coding its
 * client accepts for the body, and whether it came from a browser (an {@code Origin} header) and so gets the CORS
 * headers.
 */
record Reply(String requestId, boolean keepAlive, ResponseCompression.Coding coding, boolean cors) {
    Reply {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(coding, "coding is null");
    }

    /** The same answer, but closing the connection after it. */
    Reply closing() {
        return keepAlive ? new Reply(requestId, false, coding, cors) : this;
    }
}
