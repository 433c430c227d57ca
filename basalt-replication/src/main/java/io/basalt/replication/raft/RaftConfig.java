package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Every Ratis setting Basalt chooses, typed, with why (docs/design/cluster.md §18). {@link #defaults()} is the
 * starting point for 4–8 members per JVM; the tests shorten the timers and snapshot thresholds. The one place that
 * turns Basalt's choices into {@link RaftProperties}; {@code TestRaftConfig} pins both.
 *
 * @param electionTimeoutMin {@code raft.server.rpc.timeout.min}: 750 ms, not Ratis' 150 ms, which caused election
 *     storms from ~150 groups per JVM (DEPENDENCIES.md); with the maximum it bounds failure detection under the
 *     issue's 3 s failover target (1 s / 2 s until the fewer groups per node of s18 made 750 ms / 1.5 s measurably
 *     faster at the same idle cost, docs/benchmarks.md)
 * @param electionTimeoutMax {@code raft.server.rpc.timeout.max}: 1.5 s
 * @param firstElectionTimeoutMin {@code raft.server.rpc.first-election.timeout.min}: 500 ms, a faster first election
 * @param firstElectionTimeoutMax {@code raft.server.rpc.first-election.timeout.max}: 1 s
 * @param slownessTimeout {@code raft.server.rpc.slowness.timeout}: 300 s; Ratis' 60 s also shuts a server down after
 *     a JVM pause that long, and SIGSTOP tests or a long GC must not kill nodes
 * @param leaderLease {@code raft.server.read.leader.lease.enabled}: set explicitly (Ratis' documentation and 3.3.0
 *     disagree on the default); strong reads answer from the leader alone while its lease holds (§10)
 * @param leaderLeaseRatio {@code raft.server.read.leader.lease.timeout.ratio}: lease = ratio × minimum election
 *     timeout, so it runs out before a new leader can be elected
 * @param readTimeout {@code raft.server.read.timeout}: how long a read barrier may wait; a serving node sets its
 *     routing deadline ({@link #withReadTimeout}), so a strong read gives up when its caller would
 * @param appenderByteLimit {@code raft.server.log.appender.buffer.byte-limit}: the largest single Raft entry; larger
 *     encoded entries are split into parts (§5.3)
 * @param writeBufferSize {@code raft.server.log.write.buffer.size}: must exceed the byte limit; direct memory per
 *     member (Ratis' 8 MB ran a 1 GB JVM out of direct memory at ~126 members)
 * @param segmentSizeMax {@code raft.server.log.segment.size.max}
 * @param preallocatedSize {@code raft.server.log.preallocated.size}
 * @param segmentCacheNumMax {@code raft.server.log.segment.cache.num.max}: Ratis' cache is per member
 * @param segmentCacheSizeMax {@code raft.server.log.segment.cache.size.max}
 * @param appenderRetryPolicy {@code raft.server.log.appender.retry.policy}
 * @param snapshotChunkSizeMax {@code raft.server.log.appender.snapshot.chunk.size.max}: bounds memory of an install
 * @param snapshotAutoTriggerThreshold {@code raft.server.snapshot.auto.trigger.threshold} (entries since the last
 *     snapshot; auto trigger and trigger-on-stop are on)
 * @param purgeUptoSnapshotIndex {@code raft.server.log.purge.upto.snapshot.index}: false keeps a margin of log, so
 *     a briefly lagging follower catches up from the log rather than a snapshot
 * @param purgePreservationLogNum {@code raft.server.log.purge.preservation.log.num}
 * @param purgeGap {@code raft.server.log.purge.gap}: entries between purges
 * @param writeElementLimit {@code raft.server.write.element-limit}: beyond it Ratis refuses (overloaded)
 * @param writeByteLimit {@code raft.server.write.byte-limit}
 * @param transport {@code raft.rpc.type}: Ratis' Netty transport ({@link CommitPushingNetty}), or gRPC
 *     ({@link CommitPushingGrpc}); every node of a cluster uses the same ({@code --raft-transport}, §18)
 */
public record RaftConfig(Duration electionTimeoutMin, Duration electionTimeoutMax, Duration firstElectionTimeoutMin,
        Duration firstElectionTimeoutMax, Duration slownessTimeout, boolean leaderLease, double leaderLeaseRatio,
        Duration readTimeout, long appenderByteLimit, long writeBufferSize, long segmentSizeMax,
        long preallocatedSize, int segmentCacheNumMax, long segmentCacheSizeMax, String appenderRetryPolicy,
        long snapshotChunkSizeMax, long snapshotAutoTriggerThreshold, boolean purgeUptoSnapshotIndex,
        long purgePreservationLogNum, int purgeGap, int writeElementLimit, long writeByteLimit,
        RaftTransport transport) {
    private static final long KB = 1024;
    private static final long MB = 1024 * KB;
    /**
     * {@code raft.server.staging.timeout}: how long a leader waits for a member new to the group to answer at all
     * before it fails the configuration change ({@code ReconfigurationTimeoutException}, {@code NOPROGRESS}). Ratis'
     * default is 3 × the election timeout's maximum, counted from a time it sets one maximum in the past (apache/ratis
     * {@code LeaderStateImpl.addSenders} and {@code checkProgress}): 2 s under the tests' timers, 3 s here, which a new
     * member's first answer (its division just started, the group's log written and synced) outlasted on a loaded
     * machine; a retried change starts over from the same 2 s (TestMembershipReconciler in CI, cluster.md "s19
     * flakes"). A slow member is not a dead one: 15 s, within the reconciler's 30 s per change.
     */
    static final Duration STAGING_TIMEOUT = Duration.ofSeconds(15);
    /**
     * {@code raft.client.rpc.request.timeout} of a node on Netty: how long a server request to a peer (an append,
     * a vote, a snapshot chunk) waits for its answer (Ratis' Netty server RPC reads this client key). Ratis' 3 s,
     * set explicitly: twice the maximum election timeout, so a follower's fsync under load does not fail an append
     * that is then resent, while a stopped follower holds its own appender thread for 3 s per attempt only (the
     * other followers have their own; cluster.md §18, "transport").
     */
    static final Duration NETTY_REQUEST_TIMEOUT = Duration.ofSeconds(3);

    public RaftConfig {
        requireNonNull(electionTimeoutMin, "electionTimeoutMin is null");
        requireNonNull(electionTimeoutMax, "electionTimeoutMax is null");
        requireNonNull(firstElectionTimeoutMin, "firstElectionTimeoutMin is null");
        requireNonNull(firstElectionTimeoutMax, "firstElectionTimeoutMax is null");
        requireNonNull(slownessTimeout, "slownessTimeout is null");
        requireNonNull(readTimeout, "readTimeout is null");
        requireNonNull(appenderRetryPolicy, "appenderRetryPolicy is null");
        requireNonNull(transport, "transport is null");
        if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("the election timeout's maximum must exceed its minimum");
        }
        if (writeBufferSize <= appenderByteLimit) {
            // Ratis refuses to start otherwise: one entry must fit the member's write buffer.
            throw new IllegalArgumentException("writeBufferSize must exceed appenderByteLimit");
        }
        if (leaderLeaseRatio <= 0 || leaderLeaseRatio >= 1) {
            throw new IllegalArgumentException("leaderLeaseRatio must be in (0, 1): " + leaderLeaseRatio);
        }
    }

    /** The design's values (§18) for a few members per JVM. */
    public static RaftConfig defaults() {
        return new RaftConfig(Duration.ofMillis(750), Duration.ofMillis(1500), Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(300), true, 0.9, Duration.ofSeconds(5), 4 * MB,
                4 * MB + 64 * KB, 8 * MB, 256 * KB, 2, 32 * MB, "1ms,10, 1s,1000", 4 * MB, 100_000, false, 10_000,
                1024, 4096, 64 * MB, RaftTransport.NETTY);
    }

    /** The same with other election timeouts (tests shorten them; above 32 members per JVM they grow, §18). */
    public RaftConfig withElectionTimeouts(Duration min, Duration max) {
        return new RaftConfig(min, max, firstElectionTimeoutMin, firstElectionTimeoutMax, slownessTimeout,
                leaderLease, leaderLeaseRatio, readTimeout, appenderByteLimit, writeBufferSize, segmentSizeMax,
                preallocatedSize, segmentCacheNumMax, segmentCacheSizeMax, appenderRetryPolicy, snapshotChunkSizeMax,
                snapshotAutoTriggerThreshold, purgeUptoSnapshotIndex, purgePreservationLogNum, purgeGap,
                writeElementLimit, writeByteLimit, transport);
    }

    /** The same with another snapshot and purge policy (tests purge early to force installs). */
    public RaftConfig withSnapshots(long autoTriggerThreshold, boolean uptoSnapshotIndex, long preservationLogNum,
            int gap) {
        return new RaftConfig(electionTimeoutMin, electionTimeoutMax, firstElectionTimeoutMin,
                firstElectionTimeoutMax, slownessTimeout, leaderLease, leaderLeaseRatio, readTimeout,
                appenderByteLimit, writeBufferSize, segmentSizeMax, preallocatedSize, segmentCacheNumMax,
                segmentCacheSizeMax, appenderRetryPolicy, snapshotChunkSizeMax, autoTriggerThreshold,
                uptoSnapshotIndex, preservationLogNum, gap, writeElementLimit, writeByteLimit, transport);
    }

    /** The same with other log segment sizes (tests roll segments early so that purges happen). */
    public RaftConfig withLogSegments(long segmentSize, long preallocated) {
        return new RaftConfig(electionTimeoutMin, electionTimeoutMax, firstElectionTimeoutMin,
                firstElectionTimeoutMax, slownessTimeout, leaderLease, leaderLeaseRatio, readTimeout,
                appenderByteLimit, writeBufferSize, segmentSize, preallocated, segmentCacheNumMax,
                segmentCacheSizeMax, appenderRetryPolicy, snapshotChunkSizeMax, snapshotAutoTriggerThreshold,
                purgeUptoSnapshotIndex, purgePreservationLogNum, purgeGap, writeElementLimit, writeByteLimit,
                transport);
    }

    /** The same with another largest Raft entry and write buffer (tests shrink them to split ordinary items). */
    public RaftConfig withEntryLimit(long byteLimit, long bufferSize) {
        return new RaftConfig(electionTimeoutMin, electionTimeoutMax, firstElectionTimeoutMin,
                firstElectionTimeoutMax, slownessTimeout, leaderLease, leaderLeaseRatio, readTimeout, byteLimit,
                bufferSize, segmentSizeMax, preallocatedSize, segmentCacheNumMax, segmentCacheSizeMax,
                appenderRetryPolicy, snapshotChunkSizeMax, snapshotAutoTriggerThreshold, purgeUptoSnapshotIndex,
                purgePreservationLogNum, purgeGap, writeElementLimit, writeByteLimit, transport);
    }

    /** The same with the leader lease on or off ({@code --strong-read-lease}; off: ReadIndex rounds only). */
    public RaftConfig withLeaderLease(boolean enabled) {
        return new RaftConfig(electionTimeoutMin, electionTimeoutMax, firstElectionTimeoutMin,
                firstElectionTimeoutMax, slownessTimeout, enabled, leaderLeaseRatio, readTimeout, appenderByteLimit,
                writeBufferSize, segmentSizeMax, preallocatedSize, segmentCacheNumMax, segmentCacheSizeMax,
                appenderRetryPolicy, snapshotChunkSizeMax, snapshotAutoTriggerThreshold, purgeUptoSnapshotIndex,
                purgePreservationLogNum, purgeGap, writeElementLimit, writeByteLimit, transport);
    }

    /** The same with another read barrier timeout (a serving node's {@code --routing-deadline}, §18). */
    public RaftConfig withReadTimeout(Duration timeout) {
        return new RaftConfig(electionTimeoutMin, electionTimeoutMax, firstElectionTimeoutMin,
                firstElectionTimeoutMax, slownessTimeout, leaderLease, leaderLeaseRatio, timeout, appenderByteLimit,
                writeBufferSize, segmentSizeMax, preallocatedSize, segmentCacheNumMax, segmentCacheSizeMax,
                appenderRetryPolicy, snapshotChunkSizeMax, snapshotAutoTriggerThreshold, purgeUptoSnapshotIndex,
                purgePreservationLogNum, purgeGap, writeElementLimit, writeByteLimit, transport);
    }

    /** The same over another transport ({@code --raft-transport}; every node of a cluster uses the same). */
    public RaftConfig withTransport(RaftTransport other) {
        return new RaftConfig(electionTimeoutMin, electionTimeoutMax, firstElectionTimeoutMin,
                firstElectionTimeoutMax, slownessTimeout, leaderLease, leaderLeaseRatio, readTimeout,
                appenderByteLimit, writeBufferSize, segmentSizeMax, preallocatedSize, segmentCacheNumMax,
                segmentCacheSizeMax, appenderRetryPolicy, snapshotChunkSizeMax, snapshotAutoTriggerThreshold,
                purgeUptoSnapshotIndex, purgePreservationLogNum, purgeGap, writeElementLimit, writeByteLimit, other);
    }

    /**
     * The Ratis properties of one node's {@code RaftServer}: these settings plus the transport (§12.1, §18) on
     * {@code port} of 127.0.0.1-or-{@code host}, and {@code storageDir} ({@code node-N/raft}, §3).
     */
    public RaftProperties toProperties(Path storageDir, String host, int port) {
        requireNonNull(storageDir, "storageDir is null");
        requireNonNull(host, "host is null");
        RaftProperties properties = new RaftProperties();
        properties.set("raft.rpc.type", transport.serverRpcType());
        switch (transport) {
            case GRPC -> {
                GrpcConfigKeys.Server.setHost(properties, host);
                GrpcConfigKeys.Server.setPort(properties, port);
            }
            case NETTY -> {
                NettyConfigKeys.Server.setHost(properties, host);
                NettyConfigKeys.Server.setPort(properties, port);
                // Ratis' Netty transport waits this long for a peer's answer to each server request (apache/ratis
                // NettyRpcProxy.send); a follower that is stopped or cut off holds only its own appender that long.
                RaftClientConfigKeys.Rpc.setRequestTimeout(properties, duration(NETTY_REQUEST_TIMEOUT));
            }
        }
        RaftServerConfigKeys.setStorageDir(properties, List.of(storageDir.toFile()));

        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, duration(electionTimeoutMin));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, duration(electionTimeoutMax));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(properties, duration(firstElectionTimeoutMin));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(properties, duration(firstElectionTimeoutMax));
        RaftServerConfigKeys.Rpc.setSlownessTimeout(properties, duration(slownessTimeout));
        RaftServerConfigKeys.LeaderElection.setPreVote(properties, true);
        RaftServerConfigKeys.setStagingTimeout(properties, duration(STAGING_TIMEOUT));

        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(properties, leaderLease);
        RaftServerConfigKeys.Read.setLeaderLeaseTimeoutRatio(properties, leaderLeaseRatio);
        RaftServerConfigKeys.Read.setTimeout(properties, duration(readTimeout));

        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, SizeInBytes.valueOf(appenderByteLimit));
        RaftServerConfigKeys.Log.setWriteBufferSize(properties, SizeInBytes.valueOf(writeBufferSize));
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(segmentSizeMax));
        RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf(preallocatedSize));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(properties, segmentCacheNumMax);
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(properties, SizeInBytes.valueOf(segmentCacheSizeMax));
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, appenderRetryPolicy);
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(properties, true);
        RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(properties,
                SizeInBytes.valueOf(snapshotChunkSizeMax));
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, false);
        RaftServerConfigKeys.Log.setAsyncFlushEnabled(properties, false);
        // No metadata entry per commit: CommitPushingGrpc's or CommitPushingNetty's leader sends followers the
        // commit index instead (§18).
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, snapshotAutoTriggerThreshold);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, purgeUptoSnapshotIndex);
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(properties, purgePreservationLogNum);
        RaftServerConfigKeys.Log.setPurgeGap(properties, purgeGap);

        RaftServerConfigKeys.Write.setElementLimit(properties, writeElementLimit);
        RaftServerConfigKeys.Write.setByteLimit(properties, SizeInBytes.valueOf(writeByteLimit));
        return properties;
    }

    private static TimeDuration duration(Duration duration) {
        return TimeDuration.valueOf(duration.toMillis(), TimeUnit.MILLISECONDS);
    }
}
