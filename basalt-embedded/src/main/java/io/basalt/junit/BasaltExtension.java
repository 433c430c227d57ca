package io.basalt.junit;

import static java.util.Objects.requireNonNull;

import io.basalt.embedded.EmbeddedBasalt;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts an in-process Basalt server for JUnit 5 tests, on a free loopback port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static BasaltExtension basalt = BasaltExtension.inMemory();
 *
 * @Test
 * void savesAnOrder() {
 *     DynamoDbClient client = basalt.sdkV2().client();   // or any client built on basalt.endpoint()
 *     ...
 * }
 * }</pre>
 *
 * <p>In a static field the server starts before the class's first test and stops after its last; in an instance
 * field, around each test. {@link #shared()} makes one server for every class that asks for the same settings,
 * stopped when the whole run ends. Test classes run in parallel each get their own server unless they share one,
 * and then see each other's tables: name tables per class, and do not {@link #reset()} a shared server. Test and
 * lifecycle methods may also take the extension, or its {@link EmbeddedBasalt}, as a parameter (as with
 * {@link BasaltTest}); with more than one extension registered, use the fields instead (JUnit refuses a parameter
 * two resolvers offer).
 */
public final class BasaltExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(BasaltExtension.class);

    private final EmbeddedBasalt.Builder settings;
    private final boolean shared;
    private final boolean resetBeforeEach;
    private volatile RunningServer running;

    /** For {@link BasaltTest} and {@code @ExtendWith}: an in-memory server per class. Code should use the factories. */
    public BasaltExtension() {
        this(EmbeddedBasalt.inMemory(), false, false);
    }

    private BasaltExtension(EmbeddedBasalt.Builder settings, boolean shared, boolean resetBeforeEach) {
        this.settings = requireNonNull(settings, "settings is null");
        this.shared = shared;
        this.resetBeforeEach = resetBeforeEach;
    }

    /** A server that keeps everything in memory: no RocksDB needed. */
    public static BasaltExtension inMemory() {
        return new BasaltExtension();
    }

    /** A server over RocksDB in {@code directory} (needs {@code org.rocksdb:rocksdbjni} on the class path). */
    public static BasaltExtension onDisk(Path directory) {
        return new BasaltExtension(EmbeddedBasalt.onDisk(directory), false, false);
    }

    /** The same settings, the server shared by every test class that registers equal settings in this run. */
    public BasaltExtension shared() {
        return new BasaltExtension(settings, true, resetBeforeEach);
    }

    /** The same settings, and {@link #reset()} before each test. */
    public BasaltExtension resetBeforeEach() {
        return new BasaltExtension(settings, shared, true);
    }

    /** The same settings with the server's clock (timestamps, table lifecycles) set to {@code clock}. */
    public BasaltExtension withClock(Clock clock) {
        return new BasaltExtension(settings.clock(clock), shared, resetBeforeEach);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ensureStarted(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // An instance field's extension is registered after beforeAll: it starts a server per test here.
        ensureStarted(context);
        if (resetBeforeEach) {
            server().reset();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == BasaltExtension.class || type == EmbeddedBasalt.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ensureStarted(context);
        return parameter.getParameter().getType() == BasaltExtension.class ? this : server();
    }

    /** The running server. */
    public EmbeddedBasalt server() {
        RunningServer current = running;
        if (current == null || current.server().isClosed()) {
            throw new IllegalStateException("The Basalt server is not running: register the extension with "
                    + "@RegisterExtension on a field, or annotate the class with @BasaltTest, and call it from a test "
                    + "or lifecycle method");
        }
        return current.server();
    }

    /** The server's HTTP endpoint, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return server().endpoint();
    }

    /** The region clients should name. */
    public String region() {
        return server().region();
    }

    /** AWS SDK for Java v2 clients for the server (needs the SDK v2 on the test class path). */
    public SdkV2 sdkV2() {
        server();
        return running.sdkV2();
    }

    /** AWS SDK for Java v1 clients for the server (needs the SDK v1 on the test class path). */
    public SdkV1 sdkV1() {
        server();
        return running.sdkV1();
    }

    /** Deletes every table and puts the test controls back to their defaults, in milliseconds. */
    public void reset() {
        server().reset();
    }

    /** Creates the tables in a DynamoDB JSON file: one CreateTable request, or an array of them. */
    public void createTables(Path file) {
        server().createTables(file);
    }

    /** Whether writes return only once their global secondary index entries are written. */
    public void setGlobalIndexesSynchronous(boolean synchronous) {
        server().setGlobalIndexesSynchronous(synchronous);
    }

    /** Holds every change back from the global secondary indexes for at least {@code delay}. */
    public void setGlobalIndexDelay(Duration delay) {
        server().setGlobalIndexDelay(delay);
    }

    /** Holds transactions between prepare and commit for {@code delay} (zero: off), provoking conflicts. */
    public void setTransactionCommitDelay(Duration delay) {
        server().setTransactionCommitDelay(delay);
    }

    @SuppressWarnings("deprecation") // getOrComputeIfAbsent: JUnit 5 before 5.13 has no computeIfAbsent
    private void ensureStarted(ExtensionContext context) {
        RunningServer current = running;
        if (current != null && !current.server().isClosed()) {
            // Started for an enclosing class (a @Nested class runs inside it) or an earlier callback.
            return;
        }
        synchronized (this) {
            current = running;
            if (current != null && !current.server().isClosed()) {
                return;
            }
            if (shared) {
                // The root store outlives every class and is closed at the end of the run; equal settings share
                // one server. The store computes atomically, so parallel classes start it once.
                ExtensionContext.Store root = context.getRoot().getStore(NAMESPACE);
                Object key = List.of("shared", settings.directory(), settings.clock());
                running = root.getOrComputeIfAbsent(key, ignored -> new RunningServer(settings.start()),
                        RunningServer.class);
            } else {
                RunningServer started = new RunningServer(settings.start());
                context.getStore(NAMESPACE).put(started, started);
                running = started;
            }
        }
    }
}
