package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.Admission;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.model.Limits;
import org.junit.jupiter.api.Test;

/**
 * {@link ServerConfig}'s defaults and what each setting maps to: the HTTP admission limits and, apart from them, the
 * admission of a cluster node's internal RPC frames (docs/design/cluster.md §12.2, §17; {@code basalt serve
 * --max-inflight-rpc-requests}/{@code --max-inflight-rpc-bytes}).
 */
class TestServerConfig {
    private static final long MIB = 1024L * 1024;

    @Test
    void defaults() {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0);
        assertThat(config).isEqualTo(new ServerConfig("127.0.0.1", 0, Limits.MAX_REQUEST_BYTES, 4096, 256 * MIB,
                4096, 256 * MIB));
        assertThat(new ServerConfig("h", 1, Limits.MAX_REQUEST_BYTES, 7, 32 * MIB))
                .as("the one-node form keeps the RPC defaults")
                .isEqualTo(new ServerConfig("h", 1, Limits.MAX_REQUEST_BYTES, 7, 32 * MIB,
                        Admission.DEFAULT_MAX_REQUESTS, Admission.DEFAULT_MAX_BYTES));
    }

    @Test
    void theRpcAdmissionHasItsOwnLimits() {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0).withAdmission(10, 16 * MIB).withRpcAdmission(2,
                64 * MIB);
        assertThat(config.maxInFlightRequests()).isEqualTo(10);
        assertThat(config.rpcMaxInFlightRequests()).isEqualTo(2);
        assertThat(config.withAdmission(11, 20 * MIB).rpcMaxInFlightBytes()).isEqualTo(64 * MIB);

        // Each call gets a fresh admission stage with those limits: two frames in, a third refused, one given back.
        Admission admission = config.rpcAdmission();
        assertThat(admission.tryAcquire(100)).isTrue();
        assertThat(admission.tryAcquire(100)).isTrue();
        assertThat(admission.tryAcquire(100)).isFalse();
        admission.release(100);
        assertThat(admission.tryAcquire(100)).isTrue();
        assertThat(config.rpcAdmission().inFlightRequests()).isZero();

        Admission bytes = config.withRpcAdmission(100, 64 * MIB).rpcAdmission();
        assertThat(bytes.tryAcquire(RpcCodec.MAX_FRAME_BYTES)).as("the largest frame is admissible").isTrue();
        assertThat(bytes.tryAcquire(1)).isFalse();
    }

    @Test
    void refusesLimitsThatCouldNeverAdmitTheLargestFrame() {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0);
        assertThatThrownBy(() -> config.withRpcAdmission(0, 256 * MIB))
                .hasMessage("rpcMaxInFlightRequests must be positive: 0");
        assertThatThrownBy(() -> config.withRpcAdmission(1, 64 * MIB - 1))
                .hasMessage("rpcMaxInFlightBytes (67108863) must be at least the largest RPC frame (67108864)");
        assertThat(config.withAddress("10.0.0.1", 9000)).isEqualTo(new ServerConfig("10.0.0.1", 9000,
                Limits.MAX_REQUEST_BYTES, 4096, 256 * MIB, 4096, 256 * MIB));
    }
}
