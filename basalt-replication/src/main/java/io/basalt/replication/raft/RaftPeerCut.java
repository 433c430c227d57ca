package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import org.apache.ratis.util.CodeInjectionForTesting;

/**
 * For fault tests of nodes run in one JVM (basalt-testing), where network namespaces cannot cut one node off: one Raft
 * peer cut off from every other, both ways, until closed. Every append-entries, vote and start-election request
 * received by the peer or sent by it fails on the receiving member before Ratis looks at it, so neither side hears
 * from the other — the others' election timers run out and they elect among themselves, while the cut-off member goes
 * on believing it leads — as after a network partition, except that the sender gets a failure rather than silence.
 * Made with Ratis' own test hook ({@link CodeInjectionForTesting}, in its main jar; injection points as named by
 * {@code RaftServerImpl} in Ratis 3.3.0), which is one map for the whole JVM: one cut at a time. Nothing in a running
 * node uses it. The failure has no stack trace, since Ratis logs every request it refuses.
 */
public final class RaftPeerCut implements AutoCloseable {
    private static final String[] RECEIVED_REQUESTS = {"RaftServerImpl.appendEntries", "RaftServerImpl.requestVote",
        "RaftServerImpl.startLeaderElection"};

    private RaftPeerCut() {
    }

    /** Cuts the peer {@code peerId} (a node's {@code n<id>}) off from every other peer in this JVM. */
    public static RaftPeerCut cut(String peerId) {
        requireNonNull(peerId, "peerId is null");
        CodeInjectionForTesting.Code refuse = (receiver, sender, args) -> {
            if (peerId.equals(String.valueOf(receiver)) || peerId.equals(String.valueOf(sender))) {
                throw new CutOff(peerId);
            }
            return false;
        };
        for (String request : RECEIVED_REQUESTS) {
            CodeInjectionForTesting.put(request, refuse);
        }
        return new RaftPeerCut();
    }

    /** Heals the cut. */
    @Override
    public void close() {
        for (String request : RECEIVED_REQUESTS) {
            CodeInjectionForTesting.remove(request);
        }
    }

    /** What a request across the cut fails with. */
    private static final class CutOff extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CutOff(String peerId) {
            super(peerId + " is cut off (a fault test's RaftPeerCut)", null, false, false);
        }
    }
}
