package io.basalt.replication.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The defaults of docs/design/cluster.md §18, and how each maps onto Ratis' properties (STYLE.md habit 13). */
@Tag("raft")
class TestRaftConfig {
    private static final long KB = 1024;
    private static final long MB = 1024 * KB;

    @Test
    void defaultsAreTheDesignsValues() {
        RaftConfig config = RaftConfig.defaults();
        assertThat(config.electionTimeoutMin()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.electionTimeoutMax()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.firstElectionTimeoutMin()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.firstElectionTimeoutMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.slownessTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.leaderLease()).isTrue();
        assertThat(config.leaderLeaseRatio()).isEqualTo(0.9);
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.appenderByteLimit()).isEqualTo(4 * MB);
        assertThat(config.writeBufferSize()).isEqualTo(4 * MB + 64 * KB);
        assertThat(config.segmentSizeMax()).isEqualTo(8 * MB);
        assertThat(config.preallocatedSize()).isEqualTo(256 * KB);
        assertThat(config.segmentCacheNumMax()).isEqualTo(2);
        assertThat(config.segmentCacheSizeMax()).isEqualTo(32 * MB);
        assertThat(config.appenderRetryPolicy()).isEqualTo("1ms,10, 1s,1000");
        assertThat(config.snapshotChunkSizeMax()).isEqualTo(4 * MB);
        assertThat(config.snapshotAutoTriggerThreshold()).isEqualTo(100_000);
        assertThat(config.purgeUptoSnapshotIndex()).isFalse();
        assertThat(config.purgePreservationLogNum()).isEqualTo(10_000);
        assertThat(config.writeElementLimit()).isEqualTo(4096);
        assertThat(config.writeByteLimit()).isEqualTo(64 * MB);
        assertThat(config.transport()).isEqualTo(RaftTransport.NETTY);
    }

    @Test
    void propertiesCarryEverySetting() {
        RaftProperties properties = RaftConfig.defaults().toProperties(Path.of("/data/node-1/raft"), "127.0.0.1",
                7001);
        assertThat(properties.get("raft.rpc.type")).isEqualTo(CommitPushingNetty.class.getName());
        assertThat(RaftConfigKeys.Rpc.type(properties, message -> { }).name()).isEqualTo("NETTY");
        assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(properties)).isFalse();
        assertThat(NettyConfigKeys.Server.host(properties)).isEqualTo("127.0.0.1");
        assertThat(NettyConfigKeys.Server.port(properties)).isEqualTo(7001);
        assertThat(RaftClientConfigKeys.Rpc.requestTimeout(properties).toLong(TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(properties.get(GrpcConfigKeys.Server.PORT_KEY)).as("no gRPC server").isNull();
        assertThat(RaftServerConfigKeys.storageDir(properties)).extracting(java.io.File::toPath)
                .containsExactly(Path.of("/data/node-1/raft"));
        assertThat(RaftServerConfigKeys.Rpc.timeoutMin(properties).toLong(TimeUnit.MILLISECONDS)).isEqualTo(750);
        assertThat(RaftServerConfigKeys.Rpc.timeoutMax(properties).toLong(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        assertThat(RaftServerConfigKeys.Rpc.firstElectionTimeoutMin(properties).toLong(TimeUnit.MILLISECONDS))
                .isEqualTo(500);
        assertThat(RaftServerConfigKeys.Rpc.firstElectionTimeoutMax(properties).toLong(TimeUnit.MILLISECONDS))
                .isEqualTo(1000);
        assertThat(RaftServerConfigKeys.Rpc.slownessTimeout(properties).toLong(TimeUnit.SECONDS)).isEqualTo(300);
        assertThat(RaftServerConfigKeys.LeaderElection.preVote(properties)).isTrue();
        assertThat(RaftServerConfigKeys.stagingTimeout(properties).toLong(TimeUnit.SECONDS)).isEqualTo(15);
        assertThat(RaftServerConfigKeys.Read.option(properties))
                .isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(properties)).isTrue();
        assertThat(RaftServerConfigKeys.Read.leaderLeaseTimeoutRatio(properties)).isEqualTo(0.9);
        assertThat(RaftServerConfigKeys.Read.timeout(properties).toLong(TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(RaftServerConfigKeys.Log.Appender.bufferByteLimit(properties))
                .isEqualTo(SizeInBytes.valueOf(4 * MB));
        assertThat(RaftServerConfigKeys.Log.writeBufferSize(properties))
                .isEqualTo(SizeInBytes.valueOf(4 * MB + 64 * KB));
        assertThat(RaftServerConfigKeys.Log.segmentSizeMax(properties)).isEqualTo(SizeInBytes.valueOf(8 * MB));
        assertThat(RaftServerConfigKeys.Log.preallocatedSize(properties)).isEqualTo(SizeInBytes.valueOf(256 * KB));
        assertThat(RaftServerConfigKeys.Log.segmentCacheNumMax(properties)).isEqualTo(2);
        assertThat(RaftServerConfigKeys.Log.segmentCacheSizeMax(properties)).isEqualTo(SizeInBytes.valueOf(32 * MB));
        assertThat(properties.get(RaftServerConfigKeys.Log.Appender.RETRY_POLICY_KEY)).isEqualTo("1ms,10, 1s,1000");
        assertThat(RaftServerConfigKeys.Log.Appender.installSnapshotEnabled(properties)).isTrue();
        assertThat(RaftServerConfigKeys.Log.Appender.snapshotChunkSizeMax(properties))
                .isEqualTo(SizeInBytes.valueOf(4 * MB));
        assertThat(RaftServerConfigKeys.Log.unsafeFlushEnabled(properties)).isFalse();
        assertThat(RaftServerConfigKeys.Log.asyncFlushEnabled(properties)).isFalse();
        assertThat(RaftServerConfigKeys.Snapshot.autoTriggerEnabled(properties)).isTrue();
        assertThat(RaftServerConfigKeys.Snapshot.triggerWhenStopEnabled(properties)).isTrue();
        assertThat(RaftServerConfigKeys.Snapshot.autoTriggerThreshold(properties)).isEqualTo(100_000);
        assertThat(RaftServerConfigKeys.Log.purgeUptoSnapshotIndex(properties)).isFalse();
        assertThat(RaftServerConfigKeys.Log.purgePreservationLogNum(properties)).isEqualTo(10_000);
        assertThat(RaftServerConfigKeys.Write.elementLimit(properties)).isEqualTo(4096);
        assertThat(RaftServerConfigKeys.Write.byteLimit(properties)).isEqualTo(SizeInBytes.valueOf(64 * MB));
    }

    @Test
    void grpcIsTheOtherTransport() {
        RaftConfig grpc = RaftConfig.defaults().withTransport(RaftTransport.GRPC);
        assertThat(grpc.withTransport(RaftTransport.NETTY)).isEqualTo(RaftConfig.defaults());
        RaftProperties properties = grpc.toProperties(Path.of("raft"), "127.0.0.1", 7002);
        assertThat(properties.get("raft.rpc.type")).isEqualTo(CommitPushingGrpc.class.getName());
        assertThat(RaftConfigKeys.Rpc.type(properties, message -> { }).name()).isEqualTo("GRPC");
        assertThat(GrpcConfigKeys.Server.host(properties)).isEqualTo("127.0.0.1");
        assertThat(GrpcConfigKeys.Server.port(properties)).isEqualTo(7002);
        assertThat(properties.get(NettyConfigKeys.Server.PORT_KEY)).as("no Netty server").isNull();
        assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(properties)).isFalse();
        assertThat(RaftTransport.GRPC.clientRpcType()).isEqualTo("GRPC");
        assertThat(RaftTransport.NETTY.clientRpcType()).isEqualTo("NETTY");
        assertThat(RaftTransport.fromFlag("Netty")).isEqualTo(RaftTransport.NETTY);
        assertThat(RaftTransport.GRPC.flagValue()).isEqualTo("grpc");
        assertThatThrownBy(() -> RaftTransport.fromFlag("udp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown Raft transport 'udp' (expected grpc or netty)");
    }

    @Test
    void withersChangeOnlyTheirSettings() {
        RaftConfig defaults = RaftConfig.defaults();
        RaftConfig changed = defaults.withElectionTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(6))
                .withLeaderLease(false).withSnapshots(50, true, 0, 8).withLogSegments(16 * KB, 4 * KB);
        assertThat(changed.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(3));
        assertThat(changed.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(6));
        assertThat(changed.leaderLease()).isFalse();
        assertThat(changed.snapshotAutoTriggerThreshold()).isEqualTo(50);
        assertThat(changed.purgeUptoSnapshotIndex()).isTrue();
        assertThat(changed.purgePreservationLogNum()).isZero();
        assertThat(changed.purgeGap()).isEqualTo(8);
        assertThat(changed.segmentSizeMax()).isEqualTo(16 * KB);
        assertThat(changed.preallocatedSize()).isEqualTo(4 * KB);
        assertThat(changed.appenderByteLimit()).isEqualTo(defaults.appenderByteLimit());
        assertThat(changed.readTimeout()).isEqualTo(defaults.readTimeout());
        RaftProperties properties = changed.toProperties(Path.of("raft"), "127.0.0.1", 0);
        assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(properties)).isFalse();
        assertThat(RaftServerConfigKeys.Log.purgeGap(properties)).isEqualTo(8);
    }

    @Test
    void theReadTimeoutFollowsWhatTheNodeAsks() {
        RaftConfig defaults = RaftConfig.defaults();
        RaftConfig changed = defaults.withReadTimeout(Duration.ofMillis(1500));
        assertThat(changed.readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(changed.withReadTimeout(defaults.readTimeout())).isEqualTo(defaults);
        RaftProperties properties = changed.toProperties(Path.of("raft"), "127.0.0.1", 0);
        assertThat(RaftServerConfigKeys.Read.timeout(properties).toLong(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        assertThatThrownBy(() -> defaults.withReadTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("readTimeout is null");
    }

    @Test
    void refusesInconsistentSettings() {
        RaftConfig defaults = RaftConfig.defaults();
        assertThatThrownBy(() -> defaults.withElectionTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("election timeout");
        assertThatThrownBy(() -> new RaftConfig(defaults.electionTimeoutMin(), defaults.electionTimeoutMax(),
                defaults.firstElectionTimeoutMin(), defaults.firstElectionTimeoutMax(), defaults.slownessTimeout(),
                true, 0.9, defaults.readTimeout(), 4 * MB, 4 * MB, defaults.segmentSizeMax(),
                defaults.preallocatedSize(), 2, defaults.segmentCacheSizeMax(), defaults.appenderRetryPolicy(),
                defaults.snapshotChunkSizeMax(), 100, false, 0, 1, 1, 1, RaftTransport.NETTY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("writeBufferSize");
    }
}
