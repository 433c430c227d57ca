package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.puppycrawl.tools.checkstyle.Checker;
import com.puppycrawl.tools.checkstyle.DefaultConfiguration;
import com.puppycrawl.tools.checkstyle.api.AuditEvent;
import com.puppycrawl.tools.checkstyle.api.AuditListener;
import com.puppycrawl.tools.checkstyle.api.CheckstyleException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The build's architecture rules ({@code build/import-control.xml}, run by checkstyle in {@code validate}) still
 * refuse what they are there to refuse: a file breaking each rule is fed to checkstyle's ImportControl with the
 * real rule file and must fail, and the files the rules let through must pass (docs/design/cluster.md §16: no
 * storage write outside a state machine's apply). A rule that silently stopped matching (a renamed package, a typo
 * in a class name) fails here instead of letting writes beside the log back in.
 */
class TestImportControl {
    private static final Path RULES = findRules();

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0} may not import {1}")
    @CsvSource({
        // No storage write outside a state machine's apply: only apply (and the migration) name the writer.
        "io.basalt.cluster, io.basalt.storage.WritableStorage",
        "io.basalt.cluster, io.basalt.storage.StorageEngine",
        "io.basalt.cluster, io.basalt.storage.memory.InMemoryStorageEngine",
        "io.basalt.replication, io.basalt.storage.WritableStorage",
        "io.basalt.replication, io.basalt.storage.rocksdb.RocksDbStorageEngine",
        "io.basalt.partition, io.basalt.storage.WritableStorage",
        "io.basalt.partition.read, io.basalt.storage.StorageEngine",
        "io.basalt.partition.log, io.basalt.storage.WritableStorage",
        // The server sees neither storage nor storage keys.
        "io.basalt.server, io.basalt.storage.StorageReader",
        "io.basalt.server.operations, io.basalt.storage.WritableStorage",
        "io.basalt.server, io.basalt.partition.KeyLayout",
        "io.basalt.server, io.basalt.partition.PartitionHash",
        "io.basalt.server, io.basalt.partition.encoding.ItemCodec",
        "io.basalt.server, io.basalt.partition.read.PartitionReader",
        // The cluster module does not see Ratis.
        "io.basalt.cluster, org.apache.ratis.server.RaftServer",
    })
    void aForbiddenImportFailsTheBuild(String pkg, String imported) throws Exception {
        assertThat(violations(pkg, "Probe", imported)).singleElement().asString()
                .contains("Disallowed import - " + imported);
    }

    /**
     * Step 7 took the coordinator off the allow-list (the ledger and tokens are rows written through the log), step
     * 8 the global index classes (entries, positions and trims are entries of the index and base partitions).
     */
    @ParameterizedTest(name = "{0} may not write storage")
    @ValueSource(strings = {"TransactionCoordinator", "GlobalIndexPropagator", "GlobalIndexLifecycle"})
    void formerWritersBesideTheLogMayNotWriteStorage(String className) throws Exception {
        assertThat(violations("io.basalt.cluster", className, "io.basalt.storage.WritableStorage"))
                .singleElement().asString().contains("Disallowed import - io.basalt.storage.WritableStorage");
    }

    @ParameterizedTest(name = "{0}.{1} may import {2}")
    @CsvSource({
        "io.basalt.partition.apply, GroupStore, io.basalt.storage.WritableStorage",
        "io.basalt.partition.migration, FormatMigration, io.basalt.storage.WritableStorage",
        "io.basalt.storage.rocksdb, Probe, io.basalt.storage.StorageEngine",
        "io.basalt.cluster, BasaltNode, io.basalt.storage.StorageReader",
        "io.basalt.cluster, BasaltNode, io.basalt.storage.WriteBatch",
        "io.basalt.replication, PartitionLeader, io.basalt.storage.StorageReader",
        "io.basalt.cli, ServeCommand, io.basalt.storage.rocksdb.RocksDbStorageEngine",
        "io.basalt.testing, BasaltTestServer, io.basalt.storage.memory.InMemoryStorageEngine",
        "io.basalt.server, Probe, io.basalt.partition.encoding.StoredItem",
        // The start-up format upgrade (cluster.md §4.3).
        "io.basalt.cluster, FormatMigration, io.basalt.storage.WritableStorage",
    })
    void anAllowedImportPasses(String pkg, String className, String imported) throws Exception {
        assertThat(violations(pkg, className, imported)).isEmpty();
    }

    /**
     * The only writer beside the log is the start-up format migration (§4.3; steps 7 and 8 emptied the temporary
     * allow-list): a new entry must be a deliberate change of this test.
     */
    @Test
    void onlyTheFormatMigrationWritesBesideTheLog() throws IOException {
        Set<String> files = new TreeSet<>();
        Matcher matcher = Pattern.compile("<file name=\"([^\"]+)\">").matcher(Files.readString(RULES));
        while (matcher.find()) {
            files.add(matcher.group(1));
        }
        assertThat(files).containsExactly("FormatMigration");
    }

    /** Runs checkstyle's ImportControl with the build's rule file over one class importing {@code imported}. */
    private List<String> violations(String pkg, String className, String imported)
            throws IOException, CheckstyleException {
        Path file = directory.resolve(className + ".java");
        Files.writeString(file, "package " + pkg + ";\n\nimport " + imported + ";\n\nfinal class " + className
                + " {\n    private " + imported + " field;\n}\n");
        DefaultConfiguration importControl = new DefaultConfiguration("ImportControl");
        importControl.addProperty("file", RULES.toString());
        DefaultConfiguration treeWalker = new DefaultConfiguration("TreeWalker");
        treeWalker.addChild(importControl);
        DefaultConfiguration root = new DefaultConfiguration("Checker");
        root.addChild(treeWalker);
        List<String> violations = new ArrayList<>();
        Checker checker = new Checker();
        try {
            checker.setModuleClassLoader(Checker.class.getClassLoader());
            checker.configure(root);
            checker.addListener(new Collector(violations));
            checker.process(List.of(file.toFile()));
        } finally {
            checker.destroy();
        }
        return violations;
    }

    private static Path findRules() {
        for (File dir = new File("").getAbsoluteFile(); dir != null; dir = dir.getParentFile()) {
            Path rules = dir.toPath().resolve("build").resolve("import-control.xml");
            if (Files.isRegularFile(rules)) {
                return rules;
            }
        }
        throw new IllegalStateException("build/import-control.xml not found above " + new File("").getAbsolutePath());
    }

    /** Collects every reported violation as text. */
    private record Collector(List<String> violations) implements AuditListener {
        @Override
        public void auditStarted(AuditEvent event) {
        }

        @Override
        public void auditFinished(AuditEvent event) {
        }

        @Override
        public void fileStarted(AuditEvent event) {
        }

        @Override
        public void fileFinished(AuditEvent event) {
        }

        @Override
        public void addError(AuditEvent event) {
            violations.add(event.getMessage());
        }

        @Override
        public void addException(AuditEvent event, Throwable throwable) {
            throw new AssertionError("checkstyle failed on " + event.getFileName(), throwable);
        }
    }
}
