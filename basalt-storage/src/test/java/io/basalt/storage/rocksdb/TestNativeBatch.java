package io.basalt.storage.rocksdb;

import static io.basalt.storage.StorageTestData.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.storage.WriteBatch;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

class TestNativeBatch {
    static {
        RocksDB.loadLibrary();
    }

    @Test
    void encodesWhatRocksDbsOwnBatchHolds() throws RocksDBException {
        byte[] longKey = filled(300, 3);
        byte[] large = filled(20_000, 7);
        WriteBatch batch = new WriteBatch()
                .put(bytes(1), bytes(10))
                .delete(bytes(2))
                .deleteRange(bytes(3), bytes(4))
                .put(longKey, large)
                .put(bytes(5), filled(200, 5));
        try (org.rocksdb.WriteBatch expected = new org.rocksdb.WriteBatch()) {
            expected.put(bytes(1), bytes(10));
            expected.delete(bytes(2));
            expected.deleteRange(bytes(3), bytes(4));
            expected.put(longKey, large);
            expected.put(bytes(5), filled(200, 5));
            assertThat(NativeBatch.encode(batch)).isEqualTo(expected.data());
        }
    }

    @Test
    void leavesOutPointOperationsALaterOneOnTheSameKeyOverrides() throws RocksDBException {
        WriteBatch batch = new WriteBatch()
                .put(bytes(1), bytes(10))
                .put(bytes(2), bytes(20))
                .delete(bytes(1))
                .deleteRange(bytes(0), bytes(9))
                .put(bytes(2), bytes(21))
                .put(bytes(1), bytes(11))
                .deleteRange(bytes(7), bytes(7));
        try (org.rocksdb.WriteBatch expected = new org.rocksdb.WriteBatch();
                org.rocksdb.WriteBatch encoded = new org.rocksdb.WriteBatch(NativeBatch.encode(batch))) {
            // The range deletion stays between them; the empty range is left out as RocksDB would refuse it.
            expected.deleteRange(bytes(0), bytes(9));
            expected.put(bytes(2), bytes(21));
            expected.put(bytes(1), bytes(11));
            assertThat(encoded.count()).isEqualTo(3);
            assertThat(encoded.data()).isEqualTo(expected.data());
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
