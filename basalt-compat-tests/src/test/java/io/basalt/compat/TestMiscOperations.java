package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsStatus;
import software.amazon.awssdk.services.dynamodb.model.DescribeEndpointsResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeLimitsResponse;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** DescribeLimits, DescribeEndpoints, DescribeTimeToLive, DescribeContinuousBackups, and refusals. */
class TestMiscOperations extends CompatTestSupport {
    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
    }

    @Test
    void describeLimits() {
        DescribeLimitsResponse limits = client.describeLimits(b -> { });
        assertThat(limits.accountMaxReadCapacityUnits()).isEqualTo(80000L);
        assertThat(limits.accountMaxWriteCapacityUnits()).isEqualTo(80000L);
        assertThat(limits.tableMaxReadCapacityUnits()).isEqualTo(40000L);
        assertThat(limits.tableMaxWriteCapacityUnits()).isEqualTo(40000L);
    }

    @Test
    void describeEndpointsNamesOneEndpointWithoutScheme() {
        DescribeEndpointsResponse response = client.describeEndpoints(b -> { });
        assertThat(response.endpoints()).hasSize(1);
        assertThat(response.endpoints().get(0).cachePeriodInMinutes()).isEqualTo(1440L);
        String address = response.endpoints().get(0).address();
        assertThat(address).doesNotContain("://").isNotBlank();
        if (isInProcess()) {
            assertThat(address).isEqualTo(endpoint.getHost() + ":" + endpoint.getPort());
        }
    }

    @Test
    void timeToLiveIsDisabled() {
        var description = client.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
        assertThat(description.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.DISABLED);
        assertThat(description.attributeName()).isNull();
        String missing = uniqueName("nope");
        assertNotFound("Requested resource not found: Table: " + missing + " not found",
                () -> client.describeTimeToLive(b -> b.tableName(missing)));
        assertValidation("The parameter 'TableName' is required but was not present in the request",
                () -> client.describeTimeToLive(b -> { }));
    }

    @Test
    void continuousBackupsAreDisabled() {
        var description = client.describeContinuousBackups(b -> b.tableName(table)).continuousBackupsDescription();
        assertThat(description.continuousBackupsStatus()).isIn(ContinuousBackupsStatus.DISABLED,
                ContinuousBackupsStatus.ENABLED);
        if (isInProcess()) {
            assertThat(description.continuousBackupsStatus()).isEqualTo(ContinuousBackupsStatus.DISABLED);
        }
        assertThat(description.pointInTimeRecoveryDescription().pointInTimeRecoveryStatus())
                .isEqualTo(PointInTimeRecoveryStatus.DISABLED);
        String arn = client.describeTable(b -> b.tableName(table)).table().tableArn();
        assertThat(client.describeContinuousBackups(b -> b.tableName(arn)).continuousBackupsDescription()
                .pointInTimeRecoveryDescription().pointInTimeRecoveryStatus())
                .isEqualTo(PointInTimeRecoveryStatus.DISABLED);
    }

    @Test
    void continuousBackupsOfAMissingTable() {
        String missing = uniqueName("nope");
        assertError(TableNotFoundException.class, "TableNotFoundException", "Table not found: " + missing,
                () -> client.describeContinuousBackups(b -> b.tableName(missing)));
    }

    @Test
    void describeTableNameRules() {
        assertValidation("The parameter 'TableName' is required but was not present in the request",
                () -> client.describeTable(b -> { }));
        assertValidation("1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                () -> client.describeTable(b -> b.tableName("abc;")));
        assertValidation("2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 3; Value 'a;' at 'tableName' failed to satisfy "
                + "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                () -> client.deleteTable(b -> b.tableName("a;")));
    }

    @Test
    void unsupportedTableParametersAreRefused() {
        assumeBasalt();
        assertUnsupported("StreamSpecification", () -> client.updateTable(b -> b.tableName(table)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType("KEYS_ONLY"))));
        assertUnsupported("OnDemandThroughput", () -> client.updateTable(b -> b.tableName(table)
                .onDemandThroughput(o -> o.maxReadRequestUnits(10L))));
        // The table is untouched.
        var description = client.describeTable(b -> b.tableName(table)).table();
        assertThat(description.streamSpecification()).isNull();
        assertThat(description.onDemandThroughput()).isNull();
    }
}
