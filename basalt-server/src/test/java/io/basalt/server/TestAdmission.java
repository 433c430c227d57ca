package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.Admission;
import io.basalt.model.Limits;
import org.junit.jupiter.api.Test;

class TestAdmission {
    @Test
    void boundsRequestsAndBytesAndTakesNothingWhenItRefuses() {
        Admission admission = new Admission(2, 100);
        assertThat(admission.tryAcquire(60)).isTrue();
        assertThat(admission.tryAcquire(41)).as("bytes over").isFalse();
        assertThat(admission.inFlightRequests()).isEqualTo(1);
        assertThat(admission.inFlightBytes()).isEqualTo(60);
        assertThat(admission.tryAcquire(40)).isTrue();
        assertThat(admission.tryAcquire(0)).as("requests over").isFalse();
        assertThat(admission.inFlightBytes()).isEqualTo(100);
        admission.release(60);
        admission.release(40);
        assertThat(admission.inFlightRequests()).isZero();
        assertThat(admission.inFlightBytes()).isZero();
        assertThatThrownBy(() -> new Admission(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverConfigDefaultsAndChecks() {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0);
        assertThat(config.maxRequestBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(config.maxInFlightRequests()).isEqualTo(4096);
        assertThat(config.maxInFlightBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(config.withAdmission(7, 1L << 30)).isEqualTo(
                new ServerConfig("127.0.0.1", 0, Limits.MAX_REQUEST_BYTES, 7, 1L << 30));
        assertThatThrownBy(() -> config.withAdmission(0, 1L << 30))
                .hasMessage("maxInFlightRequests must be positive: 0");
        assertThatThrownBy(() -> config.withAdmission(1, 1024))
                .hasMessage("maxInFlightBytes (1024) must be at least maxRequestBytes (16777216)");
    }
}
