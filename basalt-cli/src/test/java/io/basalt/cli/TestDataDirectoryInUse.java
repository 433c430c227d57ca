package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import io.basalt.testing.TestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A second {@code basalt serve} on a data directory that a running one holds: one clear line, exit status 1. */
class TestDataDirectoryInUse {
    @TempDir
    Path directory;

    @Test
    void aSecondServerOnTheSameDirectorySaysWhoHoldsItAndExitsWithOne() throws Exception {
        Path data = directory.resolve("data");
        try (ServerProcess first = ServerProcess.start(data)) {
            Process second = new ProcessBuilder(ServerProcess.serveCommand("--port", "0", "--data-dir",
                    data.toString())).redirectErrorStream(true).start();
            String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isEqualTo(1);
            String pid = Files.isReadable(Path.of("/proc/locks")) ? " (pid " + first.pid() + ")" : "";
            assertThat(output).isEqualTo("basalt: the data directory " + data.toAbsolutePath()
                    + " is in use by another Basalt process" + pid
                    + "; stop it, or choose another directory with --data-dir" + System.lineSeparator());
            // The first server is unharmed and still serving.
            try (DynamoDbClient client = TestClients.dynamoDb(first.endpoint())) {
                assertThat(client.listTables().tableNames()).isEmpty();
            }
        }
    }

    @Test
    void theLockHolderIsFoundInProcLocks() {
        assumeTrue(Files.isReadable(Path.of("/proc/locks")), "Linux only");
        try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(directory.resolve("db"))) {
            assertThat(LockHolder.pid(directory.resolve("db").resolve("LOCK")))
                    .hasValue(ProcessHandle.current().pid());
        }
        assertThat(LockHolder.pid(directory.resolve("db").resolve("LOCK"))).isEmpty();
    }

    @Test
    void procLocksLinesAreMatchedByDeviceAndInode() {
        List<String> lines = List.of(
                "1: FLOCK  ADVISORY  WRITE 11 fe:00:2154516 0 EOF",
                "2: POSIX  ADVISORY  WRITE 22 fe:00:2147106 0 EOF",
                "2: -> POSIX  ADVISORY  WRITE 33 fe:00:2147106 0 EOF",
                "3: POSIX  ADVISORY  WRITE 44 08:11:2147106 0 EOF");
        long deviceFe00 = 0xfe00;
        long device0811 = 0x0811;
        assertThat(LockHolder.pid(lines, deviceFe00, 2147106)).isEqualTo(OptionalLong.of(22));
        assertThat(LockHolder.pid(lines, device0811, 2147106)).isEqualTo(OptionalLong.of(44));
        assertThat(LockHolder.pid(lines, deviceFe00, 7)).isEmpty();
        assertThat(LockHolder.pid(List.of("garbage", "1: POSIX ADVISORY WRITE x fe:00:7 0 EOF"), deviceFe00, 7))
                .isEmpty();
    }
}
