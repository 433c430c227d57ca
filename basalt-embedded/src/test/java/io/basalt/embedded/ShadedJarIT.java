package io.basalt.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The published jar itself (after shading), as a user's build receives it: its size, what it contains, the POM a
 * consumer resolves, and a server started from it alone on a class loader that sees nothing but the JDK. Run by
 * failsafe after {@code package}; the standalone projects in basalt-embedded-tests/ check it on real user class
 * paths.
 */
class ShadedJarIT {
    /** The budget for the in-memory artifact's whole download. */
    private static final long MAX_BYTES = 10_000_000;

    private static final Path JAR = Path.of(System.getProperty("basalt.embedded.jar", "target/missing.jar"));
    private static final Path POM = Path.of(System.getProperty("basalt.embedded.pom", "target/missing.xml"));

    @Test
    void theJarStaysUnderTenMegabytes() throws IOException {
        // Its POM brings nothing else for an in-memory server (see theConsumerPomNeedsNothingElse), so the jar is the
        // whole download.
        assertThat(Files.size(JAR)).isLessThan(MAX_BYTES);
    }

    @Test
    void everyClassLivesUnderIoBasalt() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> foreign = jar.stream().map(entry -> entry.getName())
                    .filter(name -> name.endsWith(".class") && !name.startsWith("io/basalt/"))
                    .collect(Collectors.toList());
            assertThat(foreign).isEmpty();
            assertThat(jar.getEntry("io/basalt/shaded/io/netty/channel/epoll/Epoll.class")).isNotNull();
            assertThat(jar.getEntry("io/basalt/shaded/com/fasterxml/jackson/core/JsonFactory.class")).isNotNull();
            assertThat(jar.getEntry("io/basalt/shaded/org/slf4j/LoggerFactory.class")).isNotNull();
            assertThat(jar.stream().map(entry -> entry.getName()).filter(name -> name.startsWith("META-INF/versions/")))
                    .isEmpty();
        }
    }

    @Test
    void nativeLibrariesCarryTheRelocatedPrefix() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> natives = jar.stream().map(entry -> entry.getName())
                    .filter(name -> name.startsWith("META-INF/native/") && !name.endsWith("/"))
                    .collect(Collectors.toList());
            assertThat(natives).containsExactlyInAnyOrder(
                    "META-INF/native/libio_basalt_shaded_netty_transport_native_epoll_x86_64.so",
                    "META-INF/native/libio_basalt_shaded_netty_transport_native_epoll_aarch_64.so");
        }
    }

    @Test
    void theManifestNamesTheModule() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo("io.basalt.embedded");
        }
    }

    @Test
    void theConsumerPomNeedsNothingElse() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(POM.toFile());
        NodeList dependencies = pom.getElementsByTagName("dependency");
        List<String> required = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (!(dependency.getParentNode() instanceof Element parent)
                    || !parent.getTagName().equals("dependencies")
                    || !(parent.getParentNode() instanceof Element project)
                    || !project.getTagName().equals("project")) {
                continue;
            }
            String name = text(dependency, "groupId") + ":" + text(dependency, "artifactId");
            String scope = text(dependency, "scope");
            if ("true".equals(text(dependency, "optional"))) {
                optional.add(name);
            } else if (!scope.equals("provided") && !scope.equals("test")) {
                required.add(name);
            }
        }
        assertThat(required).isEmpty();
        // The one documented addition for an on-disk server.
        assertThat(optional).containsExactly("org.rocksdb:rocksdbjni");
    }

    @Test
    void aServerRunsFromTheJarAloneWithTheNativeTransport() throws Exception {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        Properties propertiesBefore = (Properties) System.getProperties().clone();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {JAR.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> embedded = loader.loadClass("io.basalt.embedded.EmbeddedBasalt");
            Object builder = embedded.getMethod("inMemory").invoke(null);
            Object server = builder.getClass().getMethod("start").invoke(builder);
            try {
                Method call = embedded.getMethod("call", String.class, String.class);
                assertThat((String) call.invoke(server, "ListTables", "{}")).isEqualTo("{\"TableNames\":[]}");
                if (isLinuxWithEpoll()) {
                    Object cause = embedded.getMethod("nativeTransportUnavailability").invoke(server);
                    assertThat((boolean) embedded.getMethod("nativeTransport").invoke(server))
                            .as("epoll loads from the relocated library (%s)", cause).isTrue();
                }
                // The relocated slf4j found its java.util.logging provider through the relocated service file.
                Object factory = loader.loadClass("io.basalt.shaded.org.slf4j.LoggerFactory")
                        .getMethod("getILoggerFactory").invoke(null);
                assertThat(factory.getClass().getName()).startsWith("io.basalt.shaded.org.slf4j.jul.");
            } finally {
                embedded.getMethod("close").invoke(server);
            }
        }
        assertThat(System.getProperties()).as("no JVM-wide settings").isEqualTo(propertiesBefore);
        // Netty's global executor (non-daemon) runs the event loops' termination listeners, then stops after one
        // idle second: it may outlive close() by that much, never longer.
        assertThat(ThreadsLeft.afterWaiting(threadsBefore, thread -> !thread.isDaemon()))
                .as("non-daemon threads left after close").isEmpty();
    }

    private static boolean isLinuxWithEpoll() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        boolean supported = os.contains("linux") && (arch.equals("amd64") || arch.equals("aarch64"));
        assumeTrue(supported || !os.contains("linux"), "no epoll library for " + arch);
        return supported;
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }
}
