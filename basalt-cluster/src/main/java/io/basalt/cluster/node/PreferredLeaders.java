package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.replication.raft.RaftNode;
import io.basalt.replication.raft.RaftPeerAddress;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each group this node leads back to the group's preferred member once that member is up and caught up
 * (docs/design/cluster.md §20, "s20 priorities"). Every member has Ratis priority 0: with a priority-1 preferred
 * member, Ratis 3.3.0's {@code LeaderElection.waitForResults} lets a candidate pass a vote early only when every
 * higher-priority peer has answered, so an isolated (silent, not dead) preferred leader made each survivor wait out
 * its whole election timeout twice (pre-vote and election). The preference is Basalt's own instead: this loop does
 * what Ratis' priority yield did ({@code LeaderStateImpl.yieldLeaderToHigherPriorityPeer}: transfer to a caught-up
 * higher-priority follower), from the registry's preferred leader.
 *
 * <ul>
 *   <li>Only on the group's ready leader, only to a follower that answered within {@link #MAX_SILENCE} and whose
 *       commit index is within {@link #MAX_LAG} of the leader's: a transfer to a lagging or silent member holds the
 *       group's writes (Ratis' {@code LeaderSteppingDownException}) until it times out.</li>
 *   <li>One transfer at a time (the loop is one thread and each transfer waits for its outcome, at most {@link
 *       MembershipReconciler#TRANSFER_TIMEOUT}); a group handed back is not handed again for {@link
 *       HandBackSchedule#MIN_INTERVAL}; after a failure the group waits {@link HandBackSchedule#FIRST_BACKOFF},
 *       doubling up to {@link HandBackSchedule#MAX_BACKOFF} ({@link HandBackSchedule}).</li>
 *   <li>A configuration still carrying a non-zero priority (groups created before s20) is first set again with the
 *       same members at priority 0, so upgraded groups converge to the new shape.</li>
 * </ul>
 *
 * <p>Call {@link #run} from one thread at a time.
 */
final class PreferredLeaders {
    static final Duration MAX_SILENCE = Duration.ofSeconds(1);
    /** Entries a follower's commit index may trail: one append round under load, not a backlog being replayed. */
    static final long MAX_LAG = 64;
    private static final Duration RESET_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(PreferredLeaders.class);

    private final RaftNode raft;
    private final int selfId;
    private final Supplier<Map<Long, GroupPlacement>> groups;
    private final IntFunction<Optional<NodeAddress>> nodes;
    private final Clock clock;
    private final HandBackSchedule schedule = new HandBackSchedule();

    /**
     * @param groups every group with its preferred leader (the registry's, or the static placement before it)
     * @param nodes a node's addresses by id
     */
    PreferredLeaders(RaftNode raft, int selfId, Supplier<Map<Long, GroupPlacement>> groups,
            IntFunction<Optional<NodeAddress>> nodes, Clock clock) {
        this.raft = requireNonNull(raft, "raft is null");
        this.selfId = selfId;
        this.groups = requireNonNull(groups, "groups is null");
        this.nodes = requireNonNull(nodes, "nodes is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** One pass over the groups this node leads. */
    void run() {
        Map<Long, GroupPlacement> placements = groups.get();
        for (long groupId : raft.groupIds()) {
            GroupPlacement group = placements.get(groupId);
            if (group == null) {
                continue;
            }
            if (!schedule.isDue(groupId, clock.instant())) {
                continue;
            }
            try {
                if (raft.isReadyLeader(groupId) && handBack(group)) {
                    schedule.handedBack(groupId, clock.instant());
                }
            } catch (IOException | RuntimeException e) {
                Duration next = schedule.failed(groupId, clock.instant());
                LOG.info("Handing group {} to its preferred leader failed; next try in {}: {}", groupId, next,
                        e.toString());
            }
        }
    }

    /** Resets old priorities or transfers to the preferred member; whether anything was done. */
    private boolean handBack(GroupPlacement group) throws IOException {
        long groupId = group.groupId();
        List<RaftPeerAddress> peers = raft.peers(groupId);
        if (peers.stream().anyMatch(peer -> peer.priority() != 0)) {
            List<RaftPeerAddress> flat = new ArrayList<>(peers.size());
            peers.forEach(peer -> flat.add(new RaftPeerAddress(peer.id(), peer.address())));
            LOG.info("Group {}: setting its members' Ratis priorities to 0 (the preferred leader is Basalt's)",
                    groupId);
            raft.requestConfiguration(groupId, peers, flat, raft.listeners(groupId), RESET_TIMEOUT);
            return true;
        }
        if (group.preferredLeader() == selfId) {
            return false;
        }
        Optional<NodeAddress> preferred = nodes.apply(group.preferredLeader());
        if (preferred.isEmpty()) {
            return false;
        }
        String peerId = preferred.get().raftPeerId();
        if (peers.stream().noneMatch(peer -> peer.id().equals(peerId))
                || !raft.isCaughtUpFollower(groupId, peerId, MAX_SILENCE, MAX_LAG)) {
            return false;
        }
        LOG.info("Handing group {} to its preferred leader, node {}", groupId, group.preferredLeader());
        raft.transferLeadership(groupId, peerId, MembershipReconciler.TRANSFER_TIMEOUT);
        return true;
    }
}
