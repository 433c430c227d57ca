package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A transaction was cancelled: nothing it would have written was written. Carries one reason per action, in
 * request order, as DynamoDB's {@code TransactionCanceledException} does.
 */
public final class TransactionCanceledException extends BasaltException {
    private final transient List<CancellationReason> reasons;

    public TransactionCanceledException(List<CancellationReason> reasons) {
        super(ErrorCode.TRANSACTION_CANCELED, "Transaction cancelled, please refer cancellation reasons for specific "
                + "reasons " + requireNonNull(reasons, "reasons is null").stream().map(CancellationReason::code)
                        .collect(Collectors.joining(", ", "[", "]")));
        this.reasons = List.copyOf(reasons);
    }

    public List<CancellationReason> reasons() {
        return reasons;
    }
}
