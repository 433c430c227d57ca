package io.basalt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The top-level {@code basalt} command: {@code serve}, {@code cluster}, {@code help}, {@code --help} and
 * {@code --version}.
 *
 * <p>The arguments are read by hand rather than by a command-line library: the one Basalt used (picocli) cost
 * 250 ms of every start on one core, most of a 300 ms budget, because its classes are too old a class-file
 * version for class-data sharing and its model is built by reflection.
 */
public final class BasaltCommand {
    /** The exit status of a command line that cannot be used, as command-line tools conventionally return. */
    static final int USAGE_ERROR = 2;

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    static final String USAGE = """
            Usage: basalt [-hV] [COMMAND]
            A database that speaks Amazon DynamoDB's wire protocol.
              -h, --help      Show this help message and exit.
              -V, --version   Print version information and exit.
            Commands:
              serve    Serve the DynamoDB API.
              cluster  Start (or restart) a local cluster of nodes as child processes.
              help     Display help information about the specified command.
            """;

    private BasaltCommand() {
    }

    public static void main(String[] args) {
        // Netty describes its buffer allocations as JFR events whenever JFR is present; registering those event
        // types cost about 140 ms of the first request on one core, for events that nobody records unless they
        // profile (and then they can ask for them with -Dio.netty.jfr.enabled=true).
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        // With fewer than three processors (two cores, or a process pinned to one, as the benchmarks pin servers) the
        // common ForkJoinPool's parallelism is 1, and CompletableFuture's *Async methods without an executor then start
        // a new thread for every task. Ratis' follower runs each appendEntries through thenComposeAsync: a thread
        // creation per Raft round on every follower (about a quarter of the gRPC executors' CPU in a profile of a
        // pinned cluster, docs/benchmarks.md). Two is the smallest parallelism that uses the pool.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null
                && Runtime.getRuntime().availableProcessors() < 3) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        int exitCode = run(List.of(args), System.out, System.err);
        // A serving process returns only when it stops; end explicitly so no stray thread keeps the JVM up.
        System.exit(exitCode);
    }

    /** Runs the command line {@code args}; returns the exit status. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            out.print(USAGE);
            return 0;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (command) {
            case "-h", "--help" -> {
                out.print(USAGE);
                return 0;
            }
            case "-V", "--version" -> {
                out.println(versionLine());
                return 0;
            }
            case "serve" -> {
                return ServeCommand.run(rest, out, err);
            }
            case "cluster" -> {
                return ClusterCommand.run(rest, out, err);
            }
            case "help" -> {
                return help(rest, out, err);
            }
            default -> {
                return usageError(command.startsWith("-") ? "Unknown option: '" + command + "'"
                        : "Unmatched argument at index 0: '" + command + "'", USAGE, err);
            }
        }
    }

    private static int help(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            out.print(USAGE);
            return 0;
        }
        if (args.get(0).equals("serve")) {
            out.print(ServeCommand.USAGE);
            return 0;
        }
        if (args.get(0).equals("cluster")) {
            out.print(ClusterCommand.USAGE);
            return 0;
        }
        return usageError("Unknown subcommand '" + args.get(0) + "'.", USAGE, err);
    }

    /** Reports a command line that cannot be used, with the usage that would have worked. */
    static int usageError(String message, String usage, PrintStream err) {
        err.println(message);
        err.print(usage);
        return USAGE_ERROR;
    }

    static String versionLine() {
        return "basalt " + version();
    }

    /** The version recorded at build time. */
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
