package io.basalt.server.operations;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestValidationErrors {
    @Test
    void oneErrorIsSingular() {
        assertThatThrownBy(() -> new ValidationErrors().checkName("ab", "tableName").throwIfAny())
                .hasMessage("1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
                        + "Member must have length greater than or equal to 3");
    }

    @Test
    void severalErrorsAreJoinedAndNullIsBare() {
        ValidationErrors errors = new ValidationErrors()
                .requireNonNull(null, "item")
                .checkEnum("X", "returnValues", List.of("NONE", "ALL_OLD"));
        assertThatThrownBy(errors::throwIfAny).hasMessage("2 validation errors detected: Value null at 'item' "
                + "failed to satisfy constraint: Member must not be null; Value 'X' at 'returnValues' failed to "
                + "satisfy constraint: Member must satisfy enum value set: [NONE, ALL_OLD]");
    }

    @Test
    void atMostTenErrorsAreReported() {
        ValidationErrors errors = new ValidationErrors();
        for (int i = 0; i < 15; i++) {
            errors.requireNonNull(null, "member" + i);
        }
        assertThatThrownBy(errors::throwIfAny)
                .hasMessageStartingWith("10 validation errors detected: ")
                .hasMessageContaining("member9")
                .hasMessageNotContaining("member10");
    }

    /** The orders captured from DynamoDB (docs/design/error-texts.md §5), whatever order the checks ran in. */
    @Test
    void membersAreRankedInDynamoDbsOrder() {
        ValidationErrors update = new ValidationErrors(RequestMembers.UPDATE_ITEM)
                .requireNonNull(null, "key")
                .checkEnum("X", "returnValues", List.of("NONE"))
                .requireNonNull(null, "tableName")
                .checkEnum("Y", "returnConsumedCapacity", List.of("NONE"));
        assertThatThrownBy(update::throwIfAny).hasMessage("4 validation errors detected: "
                + "Value 'Y' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value "
                + "set: [NONE]; Value null at 'tableName' failed to satisfy constraint: Member must not be null; "
                + "Value 'X' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: "
                + "[NONE]; Value null at 'key' failed to satisfy constraint: Member must not be null");
        ValidationErrors create = new ValidationErrors(RequestMembers.CREATE_TABLE)
                .requireNonNull(null, "localSecondaryIndexes.1.member.indexName")
                .requireNonNull(null, "globalSecondaryIndexes.1.member.indexName");
        assertThatThrownBy(create::throwIfAny).hasMessageStartingWith("2 validation errors detected: Value null at "
                + "'globalSecondaryIndexes.1.member.indexName'");
        // One bucket: the model's order decides.
        ValidationErrors batch = new ValidationErrors(RequestMembers.BATCH_GET_ITEM)
                .requireNonNull(null, "returnConsumedCapacity")
                .addWithoutValue("RequestItems", "Member must have length greater than or equal to 1");
        assertThatThrownBy(batch::throwIfAny).hasMessageStartingWith("2 validation errors detected: Value at "
                + "'RequestItems'");
    }

    @Test
    void emptyIsFine() {
        new ValidationErrors().throwIfAny();
    }
}
