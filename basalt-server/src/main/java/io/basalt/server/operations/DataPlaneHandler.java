package io.basalt.server.operations;

import io.basalt.server.OperationHandler;

/**
 * An item operation: it computes, reads storage and hands writes to partitions, whose futures it returns, and never
 * waits, so it runs on the connection's network thread.
 */
abstract class DataPlaneHandler implements OperationHandler {
    @Override
    public final boolean runsOnNetworkThread() {
        return true;
    }
}
