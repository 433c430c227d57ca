package io.basalt.partition.apply;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.PartEntry;
import io.basalt.partition.log.PartitionEntry;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys of the staged parts of an oversized entry (docs/design/cluster.md §5.3), key space {@code 0x0E} of layout v2
 * (§4.1): {@code [0x0E][partition id:8][sequence:8][part:4]} ({@link KeyLayout#stagingKey}), and the entry its
 * parts make up once the last one arrives. Staged parts exist only on Raft groups, briefly.
 */
final class PartStaging {
    private static final int PREFIX_LENGTH = 9;
    /** Under the state machine's name, as before these checks moved out of it (its log settings still apply). */
    private static final Logger LOG = LoggerFactory.getLogger(GroupStateMachine.class);

    private PartStaging() {
    }

    static byte[] key(PartitionId partition, long sequence, int part) {
        return KeyLayout.stagingKey(partition, sequence, part);
    }

    /** The first key of the partition's staged parts. */
    static byte[] start(PartitionId partition) {
        return ByteBuffer.allocate(PREFIX_LENGTH).put(KeyLayout.STAGING).putLong(partition.value()).array();
    }

    /** The first key after the partition's staged parts (exclusive end). */
    static byte[] end(PartitionId partition) {
        return ByteBuffer.allocate(PREFIX_LENGTH).put(KeyLayout.STAGING).putLong(partition.value() + 1L).array();
    }

    static long sequenceOf(byte[] key) {
        return ByteBuffer.wrap(key, PREFIX_LENGTH, 8).getLong();
    }

    static int partOf(byte[] key) {
        return ByteBuffer.wrap(key, PREFIX_LENGTH + 8, 4).getInt();
    }

    /**
     * The entry whose encoding {@code chunks} (every part's, the last one's included) hold, when it is the partition
     * entry {@code last} names (same partition and sequence); otherwise null, logged: the entry is rejected.
     */
    static PartitionEntry reassemble(PartEntry last, List<byte[]> chunks) {
        int length = 0;
        for (byte[] chunk : chunks) {
            length += chunk.length;
        }
        byte[] encoded = new byte[length];
        int offset = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, encoded, offset, chunk.length);
            offset += chunk.length;
        }
        try {
            if (LogEntryCodec.decode(encoded) instanceof PartitionEntry whole
                    && whole.partition().equals(last.partition()) && whole.sequence() == last.sequence()) {
                return whole;
            }
        } catch (IllegalArgumentException e) {
            LOG.error("Rejected entry {} of partition {}: its {} parts do not decode", last.sequence(),
                    last.partition(), last.parts(), e);
            return null;
        }
        LOG.error("Rejected entry {} of partition {}: its parts hold another entry", last.sequence(),
                last.partition());
        return null;
    }
}
