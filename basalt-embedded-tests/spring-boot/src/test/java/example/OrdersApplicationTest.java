package example;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.junit.BasaltExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrdersApplicationTest {
    @RegisterExtension
    static BasaltExtension basalt = BasaltExtension.inMemory();

    @DynamicPropertySource
    static void dynamoDb(DynamicPropertyRegistry registry) {
        registry.add("orders.dynamodb.endpoint", () -> basalt.endpoint().toString());
    }

    @BeforeAll
    static void createTable() {
        basalt.sdkV2().client().createTable(b -> b.tableName("Orders")
                .attributeDefinitions(d -> d.attributeName("id").attributeType("S"))
                .keySchema(k -> k.attributeName("id").keyType("HASH"))
                .billingMode("PAY_PER_REQUEST"));
    }

    @Autowired
    WebTestClient web;

    @Test
    void storesAndReadsAnOrderThroughTheWebApplication() {
        web.put().uri("/orders/o-1")
                .bodyValue(new OrdersApplication.Order(null, "Ada", 12995))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo("o-1");
        web.get().uri("/orders/o-1")
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.customer").isEqualTo("Ada")
                .jsonPath("$.totalCents").isEqualTo(12995);
        web.get().uri("/orders/missing").exchange().expectStatus().isNotFound();
    }

    @Test
    void basaltsNettyAndJacksonStayOutOfTheApplicationsWay() throws Exception {
        // The web server runs on the application's own Netty 4.1 and Jackson, Basalt on its relocated copies.
        assertThat(io.netty.util.Version.identify().get("netty-common").artifactVersion()).startsWith("4.1.");
        assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.getMinorVersion()).isNotEqualTo(22);
        assertThat(jarOf(io.netty.channel.Channel.class)).isNotEqualTo(jarOf(BasaltExtension.class));
        assertThat(jarOf(com.fasterxml.jackson.core.JsonFactory.class)).isNotEqualTo(jarOf(BasaltExtension.class));
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(basalt.server().nativeTransport())
                    .as("Basalt's epoll (%s)", basalt.server().nativeTransportUnavailability()).isTrue();
        }
    }

    private static String jarOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation().toString();
    }
}
