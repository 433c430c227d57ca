package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.basalt.partition.KeyLayout;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line apart from serving (which {@link TestCrashRecovery} runs in a process of its own). */
class TestBasaltCommand {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void noArgumentsAndHelpPrintTheUsage() {
        for (List<String> args : List.of(List.<String>of(), List.of("--help"), List.of("-h"), List.of("help"))) {
            out.reset();
            assertThat(run(args)).as("%s", args).isZero();
            assertThat(text(out)).as("%s", args).isEqualTo(BasaltCommand.USAGE).contains("serve");
        }
    }

    @Test
    void helpOfServeListsItsOptions() {
        for (List<String> args : List.of(List.of("help", "serve"), List.of("serve", "--help"),
                List.of("serve", "--port", "1", "-h"))) {
            out.reset();
            assertThat(run(args)).as("%s", args).isZero();
            assertThat(text(out)).as("%s", args).isEqualTo(ServeCommand.USAGE)
                    .contains("--host", "--port", "--data-dir", "--in-memory");
        }
    }

    @Test
    void versionPrintsTheBuildVersion() {
        assertThat(run(List.of("--version"))).isZero();
        assertThat(run(List.of("serve", "-V"))).isZero();
        assertThat(text(out)).matches("(basalt \\S+\\R){2}").doesNotContain("unknown");
    }

    @Test
    void unusableCommandLinesExitWithTwoAndShowTheUsage() {
        assertThat(run(List.of("frob"))).isEqualTo(BasaltCommand.USAGE_ERROR);
        assertThat(text(err)).startsWith("Unmatched argument at index 0: 'frob'").endsWith(BasaltCommand.USAGE);
        err.reset();
        assertThat(run(List.of("--frob"))).isEqualTo(BasaltCommand.USAGE_ERROR);
        assertThat(text(err)).startsWith("Unknown option: '--frob'");
        err.reset();
        assertThat(run(List.of("help", "frob"))).isEqualTo(BasaltCommand.USAGE_ERROR);
        assertThat(text(err)).startsWith("Unknown subcommand 'frob'.");
        err.reset();
        assertThat(run(List.of("serve", "--port", "x"))).isEqualTo(BasaltCommand.USAGE_ERROR);
        assertThat(text(err)).startsWith("Invalid value for option '--port': 'x' is not an int")
                .endsWith(ServeCommand.USAGE);
        assertThat(text(out)).isEmpty();
    }

    @Test
    void serveOnAPortInUseSaysSoAndExitsWithOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            int status = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> run(List.of("serve", "--in-memory", "--port", Integer.toString(port))));
            assertThat(status).isEqualTo(1);
            assertThat(text(err)).startsWith("basalt: cannot listen on 127.0.0.1:" + port + ": ")
                    .contains("Address already in use");
        }
    }

    @Test
    void serveOnADataDirectoryThatCannotBeOpenedSaysSoAndExitsWithOne() throws Exception {
        Path file = Files.createTempFile("basalt-not-a-directory", ".txt");
        try {
            assertThat(run(List.of("serve", "--port", "0", "--data-dir", file.toString()))).isEqualTo(1);
            assertThat(text(err)).isEqualTo("basalt: cannot open the data directory " + file.toAbsolutePath()
                    + ": cannot create storage directory " + file + System.lineSeparator());
            assertThat(text(out)).isEmpty();
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void serveOnADataDirectoryOfANewerStorageFormatSaysSoAndExitsWithOne(@TempDir Path directory) {
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            storage.write(new WriteBatch().put(KeyLayout.nodeKey(KeyLayout.FORMAT_VERSION_KEY),
                    ByteBuffer.allocate(4).putInt(KeyLayout.FORMAT_VERSION + 1).array()), true);
        }
        int status = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> run(List.of("serve", "--port", "0", "--data-dir", directory.toString())));
        assertThat(status).isEqualTo(1);
        assertThat(text(err)).isEqualTo("basalt: cannot open the data directory " + directory.toAbsolutePath()
                + ": The data directory is in storage format version " + (KeyLayout.FORMAT_VERSION + 1)
                + ", which this version of Basalt (storage format version " + KeyLayout.FORMAT_VERSION
                + ") cannot read" + System.lineSeparator());
        assertThat(text(out)).isEmpty();
        // The directory was left as it was, and closed: it opens again.
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            assertThat(storage.get(KeyLayout.nodeKey(KeyLayout.FORMAT_VERSION_KEY))).hasSize(4);
        }
    }

    private int run(List<String> args) {
        return BasaltCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
