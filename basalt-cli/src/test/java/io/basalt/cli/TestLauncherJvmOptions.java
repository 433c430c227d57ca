package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code basalt} launcher script tells the JVM it starts which options it gave it, for {@code basalt cluster}'s
 * nodes ({@link ClusterCommand#LAUNCHER_JVM_OPTIONS}): the class-data sharing archive, the native libraries and
 * {@code BASALT_JAVA_OPTS}, in the order the JVM got them, and not the per-start {@code basalt.launchedAt}. A stand-in
 * {@code java} first on the PATH records its arguments and that variable, so no jar is built or run.
 */
@Timeout(60)
class TestLauncherJvmOptions {
    @TempDir
    Path directory;

    @Test
    void theLauncherExportsTheOptionsItGivesTheJvm() throws Exception {
        Path script = Path.of("").toAbsolutePath().getParent().resolve("basalt");
        assertThat(script).exists();
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                printf '%s\\n' "$@" >"${0%/*}/arguments"
                printf '%s' "$BASALT_LAUNCHER_JVM_OPTIONS" >"${0%/*}/options"
                """, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.writeString(directory.resolve("basalt.jar"), "not a jar", StandardCharsets.UTF_8);
        Path natives = Files.createDirectories(directory.resolve("native"));
        // A fresh archive for this jar and this "java": the launcher uses it and makes no training run.
        Path archive = Files.writeString(directory.resolve("basalt.jsa"), "archive", StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("basalt.jsa.java"), java + "\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(60)));

        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "cluster", "--nodes", "3")
                .redirectErrorStream(true).redirectOutput(directory.resolve("launcher.log").toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("BASALT_JAR", jar.toString());
        builder.environment().put("BASALT_JAVA_OPTS", "-Xmx1g -Dbasalt.test=two words");
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(directory.resolve("launcher.log"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(log).isZero();

        List<String> options = Files.readString(bin.resolve("options"), StandardCharsets.UTF_8).lines().toList();
        // BASALT_JAVA_OPTS split on white space, as the JVM gets it.
        assertThat(options).containsExactly("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-Djava.library.path=" + natives, "-Xmx1g", "-Dbasalt.test=two", "words");
        List<String> arguments = Files.readAllLines(bin.resolve("arguments"), StandardCharsets.UTF_8);
        // The launch time comes first where bash has $EPOCHREALTIME (5.0 on), and only to this JVM.
        if (arguments.get(0).startsWith("-D" + StartTime.LAUNCHED_AT_PROPERTY + "=")) {
            arguments = arguments.subList(1, arguments.size());
        }
        assertThat(arguments).containsExactlyElementsOf(Stream.concat(options.stream(),
                Stream.of("-jar", jar.toString(), "cluster", "--nodes", "3")).toList());
    }
}
