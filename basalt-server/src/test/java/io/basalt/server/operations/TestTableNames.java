package io.basalt.server.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestTableNames {
    @Test
    void tableArnsNameTheirTable() {
        ValidationErrors errors = new ValidationErrors();
        assertThat(TableNames.forItems("arn:aws:dynamodb:us-east-1:000000000000:table/Orders", errors))
                .isEqualTo("Orders");
        assertThat(TableNames.forTables("arn:aws:dynamodb:eu-west-1:123456789012:table/a.b-c_d", errors))
                .isEqualTo("a.b-c_d");
        assertThat(errors.isEmpty()).isTrue();
    }

    @Test
    void malformedArnsAreRefused() {
        assertThatThrownBy(() -> TableNames.forItems("arn:aws:s3:::bucket", new ValidationErrors()))
                .hasMessage("Invalid TableName: arn:aws:s3:::bucket");
    }

    @Test
    void itemOperationsAcceptShortNamesButTableOperationsDoNot() {
        ValidationErrors items = new ValidationErrors();
        TableNames.forItems("ab", items);
        assertThat(items.isEmpty()).isTrue();
        ValidationErrors tables = new ValidationErrors();
        TableNames.forTables("ab", tables);
        assertThat(tables.isEmpty()).isFalse();
    }

    @Test
    void aMissingNameOnATableOperationHasItsOwnMessage() {
        assertThatThrownBy(() -> TableNames.forTables(null, new ValidationErrors()))
                .hasMessage("The parameter 'TableName' is required but was not present in the request");
    }
}
