package io.basalt.cluster;

import io.basalt.partition.EvaluatedWrite;
import java.util.List;

/**
 * What a TransactWriteItems did: one evaluated write per action, in request order (a ConditionCheck's has the
 * checked item's size and no log entry).
 *
 * @param retried whether this is a retry with the same ClientRequestToken, answered from the first call without
 *     writing anything (DynamoDB then charges the retry as reads)
 */
public record TransactionResult(List<EvaluatedWrite> writes, boolean retried) {
    public TransactionResult {
        writes = List.copyOf(writes);
    }
}
