package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

/**
 * A peer answered a request with one of the answers only the Router acts on (docs/design/cluster.md §12.3):
 * NOT_LEADER, WRONG_PARTITION, NOT_READY, NOT_APPLIED, AMBIGUOUS or OVERLOADED. It carries the answer; nothing of
 * it reaches a client as such.
 */
public final class RpcRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient RpcResponse response;

    public RpcRefusedException(RpcResponse response) {
        super(requireNonNull(response, "response is null").kind() + " answer", null, false, false);
        if (response instanceof RpcResponse.Ok || response instanceof RpcResponse.Error) {
            throw new IllegalArgumentException("not a routing answer: " + response.kind());
        }
        this.response = response;
    }

    public RpcResponse response() {
        return response;
    }
}
