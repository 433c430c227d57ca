package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.GlobalIndexPropagation;
import io.basalt.cluster.routing.RoutingConfig;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftTransport;
import io.basalt.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestServeOptions {
    private static final GlobalIndexPropagation ASYNC = GlobalIndexPropagation.delayed(Duration.ZERO);

    @Test
    void globalIndexPropagationIsAsynchronousUnlessAsked() {
        assertThat(ServeOptions.parse(List.of("--gsi-propagation=sync")).indexPropagation())
                .isEqualTo(GlobalIndexPropagation.SYNCHRONOUS);
        assertThat(ServeOptions.parse(List.of("--gsi-delay-ms", "250")).indexPropagation())
                .isEqualTo(GlobalIndexPropagation.delayed(Duration.ofMillis(250)));
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--gsi-propagation=later")))
                .hasMessage("Invalid value for option '--gsi-propagation': 'later' is not sync or async");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--gsi-delay-ms=-1")))
                .hasMessage("Invalid value for option '--gsi-delay-ms': '-1' is not a number of milliseconds");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--gsi-propagation=sync", "--gsi-delay-ms=5")))
                .hasMessage("Option '--gsi-delay-ms' needs '--gsi-propagation=async'");
    }

    @Test
    void defaultsServeRocksDbUnderDataOnLocalhostPort8000() {
        assertThat(ServeOptions.parse(List.of()))
                .isEqualTo(new ServeOptions("127.0.0.1", 8000, Path.of("data"), false, ASYNC, 4096, 256L << 20,
                        false));
    }

    @Test
    void readsEveryOptionWithItsValueAttachedOrNext() {
        assertThat(ServeOptions.parse(List.of("--host", "0.0.0.0", "--port=8001", "--data-dir", "/tmp/b",
                "--in-memory", "--loopback-rpc")))
                .isEqualTo(new ServeOptions("0.0.0.0", 8001, Path.of("/tmp/b"), true, ASYNC, 4096, 256L << 20,
                        true));
        assertThat(ServeOptions.parse(List.of("--host=::1", "--port", "0", "--data-dir=d")))
                .isEqualTo(new ServeOptions("::1", 0, Path.of("d"), false, ASYNC, 4096, 256L << 20, false));
    }

    @Test
    void theTransactionResolveDelayTakesSecondsOrMilliseconds() {
        assertThat(ServeOptions.parse(List.of()).transactionResolveAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ServeOptions.parse(List.of("--transaction-resolve-after=2s")).transactionResolveAfter())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(ServeOptions.parse(List.of("--transaction-resolve-after", "250ms")).transactionResolveAfter())
                .isEqualTo(Duration.ofMillis(250));
        for (String bad : List.of("5", "0ms", "-1s", "fast", "1.5s")) {
            assertThatThrownBy(() -> ServeOptions.parse(List.of("--transaction-resolve-after=" + bad)))
                    .hasMessage("Invalid value for option '--transaction-resolve-after': '" + bad
                            + "' is not a duration such as 5s or 500ms");
        }
    }

    @Test
    void joinTakesAnApiEndpointAndTheNodeDownTimeoutADuration() {
        ServeOptions defaults = ServeOptions.parse(List.of());
        assertThat(defaults.join()).isNull();
        assertThat(defaults.nodeDownTimeout()).isEqualTo(Duration.ofMinutes(10));
        ServeOptions joining = ServeOptions.parse(List.of("--join", "127.0.0.1:8000", "--port", "8003",
                "--data-dir", "cluster/node-4", "--node-down-timeout=30s"));
        assertThat(joining.join()).isEqualTo("127.0.0.1:8000");
        assertThat(joining.port()).isEqualTo(8003);
        assertThat(joining.nodeDownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ServeOptions.parse(List.of("--node-down-timeout=500ms")).nodeDownTimeout())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(ServeOptions.parse(List.of("--node-down-timeout=2h")).nodeDownTimeout())
                .isEqualTo(Duration.ofHours(2));
        for (String bad : List.of("10", "-1m", "soon", "1.5m")) {
            assertThatThrownBy(() -> ServeOptions.parse(List.of("--node-down-timeout=" + bad)))
                    .hasMessage("Invalid value for option '--node-down-timeout': '" + bad
                            + "' is not a duration such as 10m, 30s or 500ms");
        }
        for (String bad : List.of("8000", "host", "host:port", ":8000")) {
            assertThatThrownBy(() -> ServeOptions.parse(List.of("--join=" + bad)))
                    .hasMessage("Invalid value for option '--join': '" + bad
                            + "' is not a node's API endpoint such as 127.0.0.1:8000");
        }
    }

    @Test
    void admissionLimitsTakeCountsAndBinaryUnits() {
        ServeOptions options = ServeOptions.parse(List.of("--max-inflight-requests=10", "--max-inflight-bytes",
                "1GiB"));
        assertThat(options.maxInFlightRequests()).isEqualTo(10);
        assertThat(options.maxInFlightBytes()).isEqualTo(1L << 30);
        assertThat(options.serverConfig().maxInFlightRequests()).isEqualTo(10);
        assertThat(options.serverConfig().maxInFlightBytes()).isEqualTo(1L << 30);
        assertThat(ServeOptions.parse(List.of("--max-inflight-bytes=16MiB")).maxInFlightBytes()).isEqualTo(16L << 20);
        assertThat(ServeOptions.parse(List.of("--max-inflight-bytes=20480KiB")).maxInFlightBytes())
                .isEqualTo(20L << 20);
        assertThat(ServeOptions.parse(List.of("--max-inflight-bytes=536870912")).maxInFlightBytes())
                .isEqualTo(512L << 20);
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--max-inflight-requests=0")))
                .hasMessage("Invalid value for option '--max-inflight-requests': '0' is not a positive number");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--max-inflight-bytes=1MiB")))
                .hasMessage("Invalid value for option '--max-inflight-bytes': '1MiB' is not a number of bytes of at "
                        + "least 16MiB");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--max-inflight-bytes=lots")))
                .hasMessage("Invalid value for option '--max-inflight-bytes': 'lots' is not a number of bytes of at "
                        + "least 16MiB");
    }

    @Test
    void aClusterNodeTakesItsRoutingDeadlineAndRpcAdmissionLimits() {
        ServeOptions defaults = ServeOptions.parse(List.of());
        assertThat(defaults.routingDeadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.routingConfig()).isEqualTo(RoutingConfig.defaults());
        assertThat(defaults.serverConfig().rpcMaxInFlightRequests()).isEqualTo(4096);
        assertThat(defaults.serverConfig().rpcMaxInFlightBytes()).isEqualTo(256L << 20);

        ServeOptions options = ServeOptions.parse(List.of("--routing-deadline=1500ms", "--max-inflight-rpc-requests",
                "64", "--max-inflight-rpc-bytes=64MiB", "--max-inflight-requests=10"));
        assertThat(options.routingConfig().routingDeadline()).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.routingConfig()).isEqualTo(RoutingConfig.defaults()
                .withRoutingDeadline(Duration.ofMillis(1500)));
        ServerConfig server = options.serverConfig();
        assertThat(server.rpcMaxInFlightRequests()).isEqualTo(64);
        assertThat(server.rpcMaxInFlightBytes()).isEqualTo(64L << 20);
        assertThat(server.maxInFlightRequests()).as("the HTTP limit stays apart").isEqualTo(10);
        // A cluster node listens where its node.json says, with the limits asked for.
        ServerConfig node = server.withAddress("10.0.0.2", 8100);
        assertThat(node).isEqualTo(new ServerConfig("10.0.0.2", 8100, server.maxRequestBytes(), 10,
                256L << 20, 64, 64L << 20));
        assertThat(ServeOptions.parse(List.of("--routing-deadline", "30s")).routingDeadline())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(ServeOptions.parse(List.of("--routing-deadline=100ms")).routingDeadline())
                .isEqualTo(Duration.ofMillis(100));

        // A strong read's barrier gives up within the deadline the node was started with (Ratis' read timeout).
        assertThat(defaults.raftConfig(RaftTransport.NETTY)).isEqualTo(RaftConfig.defaults());
        assertThat(options.raftConfig(RaftTransport.NETTY).readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.raftConfig(RaftTransport.NETTY))
                .isEqualTo(RaftConfig.defaults().withReadTimeout(Duration.ofMillis(1500)));
        for (String bad : List.of("5", "99ms", "31s", "0s", "-1s", "soon", "1.5s")) {
            assertThatThrownBy(() -> ServeOptions.parse(List.of("--routing-deadline=" + bad)))
                    .hasMessage("Invalid value for option '--routing-deadline': '" + bad
                            + "' is not a duration from 100ms to 30s such as 5s or 500ms");
        }
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--max-inflight-rpc-requests=0")))
                .hasMessage("Invalid value for option '--max-inflight-rpc-requests': '0' is not a positive number");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--max-inflight-rpc-bytes=32MiB")))
                .hasMessage("Invalid value for option '--max-inflight-rpc-bytes': '32MiB' is not a number of bytes "
                        + "of at least 64MiB");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--max-inflight-rpc-bytes=many")))
                .hasMessage("Invalid value for option '--max-inflight-rpc-bytes': 'many' is not a number of bytes "
                        + "of at least 64MiB");
    }

    @Test
    void aClusterNodeTakesItsRaftTransport() {
        // Not given: the node's node.json decides (NodeIdentity.transportFor; TestNodeIdentityFile).
        assertThat(ServeOptions.parse(List.of()).raftTransport()).isEmpty();
        ServeOptions grpc = ServeOptions.parse(List.of("--raft-transport", "grpc"));
        assertThat(grpc.raftTransport()).contains(RaftTransport.GRPC);
        assertThat(grpc.raftConfig(RaftTransport.GRPC))
                .isEqualTo(RaftConfig.defaults().withTransport(RaftTransport.GRPC));
        assertThat(ServeOptions.parse(List.of("--raft-transport=NETTY")).raftTransport()).contains(RaftTransport.NETTY);
        assertThat(ServeOptions.parse(List.of("--routing-deadline=2s")).raftConfig(RaftTransport.NETTY))
                .isEqualTo(RaftConfig.defaults().withReadTimeout(Duration.ofSeconds(2)));
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--raft-transport=http")))
                .hasMessage("Invalid value for option '--raft-transport': 'http' (expected grpc or netty)");
    }

    @Test
    void laterOccurrenceOfAnOptionWins() {
        assertThat(ServeOptions.parse(List.of("--port", "1", "--port", "2")).port()).isEqualTo(2);
    }

    @Test
    void refusesWhatItCannotUseNamingTheArgument() {
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--bogus")))
                .isInstanceOf(ServeOptions.UsageException.class).hasMessage("Unknown option: '--bogus'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("extra")))
                .hasMessage("Unknown option: 'extra'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--port")))
                .hasMessage("Missing required parameter for option '--port'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--port", "x")))
                .hasMessage("Invalid value for option '--port': 'x' is not an int");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--port=65536")))
                .hasMessage("Invalid value for option '--port': 65536 is not in 0..65535");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--in-memory=yes")))
                .hasMessage("Option '--in-memory' takes no value: '--in-memory=yes'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--loopback-rpc=yes")))
                .hasMessage("Option '--loopback-rpc' takes no value: '--loopback-rpc=yes'");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--data-dir", "a\0b")))
                .hasMessageStartingWith("Invalid value for option '--data-dir'");
    }
}
