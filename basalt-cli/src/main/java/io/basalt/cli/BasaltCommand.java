package io.basalt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code basalt} command. */
@Command(name = "basalt",
        mixinStandardHelpOptions = true,
        versionProvider = BasaltCommand.Version.class,
        description = "A database that speaks Amazon DynamoDB's wire protocol.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class BasaltCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int exitCode = new CommandLine(new BasaltCommand()).execute(args);
        // A serving process returns from execute only when it stops; end explicitly so no stray thread keeps the
        // JVM up.
        System.exit(exitCode);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version recorded at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"basalt " + version()};
        }

        static String version() {
            try (InputStream in = BasaltCommand.class.getResourceAsStream("/basalt-version.properties")) {
                if (in == null) {
                    return "unknown";
                }
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
