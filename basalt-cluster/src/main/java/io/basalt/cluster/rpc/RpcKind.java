package io.basalt.cluster.rpc;

/**
 * The kinds of frame of the internal RPC (docs/design/cluster.md §12.2), with the number each is written as.
 * Requests are numbered from 1, responses from 128. THE NUMBERS ARE A PROTOCOL: never reorder, renumber or reuse
 * one; a new kind gets a new number.
 *
 * <p>Kinds whose content does not exist yet are reserved here and refused by the codec until the step that brings
 * their content defines it: {@code TXN_STATUS} (transactions on the ledger table, step 7), {@code
 * META_WATCH} (non-voting nodes' copies of the catalog) and {@code NODE_HEARTBEAT} (steps 12–13). The content of
 * {@code NODE_JOIN}, {@code GROUP_MEMBER_ADD} and {@code GROUP_MEMBER_REMOVE} is defined (step 13's building
 * blocks); no node serves them until membership is wired (cluster.md §20, step 13). {@code GSI_APPLY} (step 8) is
 * served by the leader of a global index partition. {@code NODE_FIGURES} (s18) asks a node for its share of the
 * cluster-wide figures: partition statistics from its replicas, its propagators' lag, or a propagation setting.
 */
public enum RpcKind {
    WRITE(1, true),
    READ(2, true),
    BATCH_WRITE(3, true),
    BATCH_READ(4, true),
    TXN_PREPARE(5, true),
    TXN_COMMIT(6, true),
    TXN_RELEASE(7, true),
    TXN_READ_ROUND(8, true),
    TXN_VALIDATE(9, true),
    TXN_STATUS(10, false),
    GSI_APPLY(11, true),
    META_COMMAND(12, true),
    META_WATCH(13, false),
    NODE_JOIN(14, true),
    NODE_HEARTBEAT(15, true),
    GROUP_MEMBER_ADD(16, true),
    GROUP_MEMBER_REMOVE(17, true),
    PING(18, true),
    NODE_FIGURES(19, true),

    OK(128, true),
    ERROR(129, true),
    NOT_LEADER(130, true),
    WRONG_PARTITION(131, true),
    NOT_READY(132, true),
    NOT_APPLIED(133, true),
    AMBIGUOUS(134, true),
    OVERLOADED(135, true);

    private static final RpcKind[] BY_TAG = new RpcKind[256];

    static {
        for (RpcKind kind : values()) {
            BY_TAG[kind.tag] = kind;
        }
    }

    private final int tag;
    private final boolean defined;

    RpcKind(int tag, boolean defined) {
        this.tag = tag;
        this.defined = defined;
    }

    /** The number the frame header carries. */
    public int tag() {
        return tag;
    }

    /** Whether this build knows the kind's content (reserved kinds are refused). */
    public boolean defined() {
        return defined;
    }

    public boolean isResponse() {
        return tag >= 128;
    }

    /** @throws IllegalStateException for a number no kind has */
    static RpcKind ofTag(int tag) {
        RpcKind kind = tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
        if (kind == null) {
            throw new IllegalStateException("unknown frame kind " + tag);
        }
        return kind;
    }
}
