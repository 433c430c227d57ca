package io.basalt.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class TestSharedAndPerTestServers {
    @RegisterExtension
    static BasaltExtension shared = BasaltExtension.inMemory().shared();

    /** Equal settings share the server, though registered by another extension instance (another class, say). */
    @RegisterExtension
    static BasaltExtension sharedAgain = BasaltExtension.inMemory().shared();

    /** In an instance field: a server per test, reset before each (a no-op on a fresh server, but exercised). */
    @RegisterExtension
    BasaltExtension perTest = BasaltExtension.inMemory().resetBeforeEach();

    private static final Set<URI> PER_TEST_ENDPOINTS = new HashSet<>();

    @Test
    void equalSharedSettingsShareOneServer() {
        assertThat(shared.endpoint()).isEqualTo(sharedAgain.endpoint()).isNotEqualTo(perTest.endpoint());
        PER_TEST_ENDPOINTS.add(perTest.endpoint());
    }

    @Test
    void anInstanceFieldStartsAServerPerTest() {
        PER_TEST_ENDPOINTS.add(perTest.endpoint());
        perTest.sdkV2().client().createTable(b -> b.tableName("PerTest")
                .attributeDefinitions(d -> d.attributeName("id").attributeType("S"))
                .keySchema(k -> k.attributeName("id").keyType("HASH"))
                .billingMode("PAY_PER_REQUEST"));
        perTest.sdkV2().client().putItem(b -> b.tableName("PerTest").item(Map.of("id", AttributeValue.fromS("x"))));
        assertThat(perTest.sdkV2().client().listTables().tableNames()).containsExactly("PerTest");
    }

    @AfterAll
    static void eachTestHadItsOwnServer() {
        assertThat(PER_TEST_ENDPOINTS).hasSize(2);
    }
}
