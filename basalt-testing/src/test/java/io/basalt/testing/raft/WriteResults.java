package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.replication.raft.ProposalOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What became of a write sent to a partition leader, as a client would learn it. */
enum WriteResults {
    APPLIED,
    /** Definitely not applied ({@link ProposalOutcome.Reason#NOT_APPLIED}, or refused by a closed epoch). */
    NOT_APPLIED,
    /** May or may not have applied (a 500). */
    AMBIGUOUS;

    static WriteResults of(CompletableFuture<EvaluatedWrite> write) throws InterruptedException {
        try {
            write.get(30, TimeUnit.SECONDS);
            return APPLIED;
        } catch (TimeoutException e) {
            throw new AssertionError("a write never resolved", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ProposalOutcome outcome) {
                return outcome.reason() == ProposalOutcome.Reason.AMBIGUOUS ? AMBIGUOUS : NOT_APPLIED;
            }
            // A partition leader whose epoch closed before it evaluated the write refuses it.
            assertThat(cause).isInstanceOf(BasaltException.class);
            assertThat(((BasaltException) cause).code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
            return NOT_APPLIED;
        }
    }
}
