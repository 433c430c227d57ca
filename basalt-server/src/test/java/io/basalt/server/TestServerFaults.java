package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.routing.Router;
import io.basalt.cluster.rpc.RpcRefusedException;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.server.json.JsonObject;
import io.basalt.server.json.RequestJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * What a failed request leaves in the log ({@link ServerFaults}, docs/design/cluster.md "s18 robustness"): a 500 or
 * 503 the cluster's routing gave on purpose (an ambiguous write after a leader change, a routing deadline) is one
 * WARN line with the request id, operation, tables and reason and no stack trace; any other server fault is an
 * ERROR with its stack trace; a client's 4xx is not logged. The client is told the same error either way.
 */
class TestServerFaults {
    private static final String TARGET = "DynamoDB_20120810.PutItem";

    private static JsonObject body(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return RequestJson.parse(new ByteArrayInputStream(bytes), bytes.length);
    }

    /** What {@code report} logs (slf4j-simple writes to System.err), as lines. */
    private static List<String> logged(Runnable report) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            report.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
    }

    @Test
    void anAmbiguousWriteIsOneWarnLineAndStillAnInternalServerError() {
        BasaltException ambiguous = Router.ambiguous(new RpcRefusedException(new RpcResponse.Ambiguous()));
        BasaltException[] told = new BasaltException[1];
        List<String> lines = logged(() -> told[0] = ServerFaults.reported(new CompletionException(ambiguous),
                "REQ1", TARGET, body("{\"TableName\":\"Registers\",\"Item\":{}}")));
        assertThat(told[0]).isSameAs(ambiguous);
        assertThat(told[0].code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
        assertThat(told[0].getMessage()).isEqualTo("Internal server error");
        assertThat(lines).singleElement().asString()
                .contains("WARN", "Request REQ1 (PutItem on Registers) answered 500 "
                        + ErrorCode.INTERNAL_SERVER_ERROR.wireType() + ": AMBIGUOUS from the partition's group");
    }

    @Test
    void aWriteLostAfterItWasSentAndARoutingDeadlineAreWarnLinesToo() {
        BasaltException lost = Router.ambiguous(new RpcTransportException(RpcTransportException.Failure.TIMED_OUT,
                "no answer within 5000 ms", null));
        assertThat(logged(() -> ServerFaults.reported(lost, "REQ2", "DynamoDB_20120810.BatchWriteItem",
                body("{\"RequestItems\":{\"A\":[],\"B\":[]}}")))).singleElement().asString()
                .contains("WARN", "Request REQ2 (BatchWriteItem on A,B) answered 500",
                        "sent, then TIMED_OUT (no answer within 5000 ms)");
        BasaltException unavailable = Router.unavailable(new RpcRefusedException(new RpcResponse.NotReady()));
        assertThat(logged(() -> ServerFaults.reported(unavailable, "REQ3", TARGET, null))).singleElement()
                .asString().contains("WARN", "Request REQ3 (PutItem on -) answered 503", "NOT_READY");
    }

    @Test
    void aDefectIsAnErrorWithItsStackTrace() {
        BasaltException defect = new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error",
                new IllegalStateException("a bug"));
        List<String> lines = logged(() -> ServerFaults.reported(defect, "REQ4", TARGET, null));
        assertThat(lines.get(0)).contains("ERROR", "Request REQ4 (PutItem on -) failed");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("IllegalStateException: a bug"))
                .anySatisfy(line -> assertThat(line).startsWith("\tat "));

        BasaltException[] told = new BasaltException[1];
        lines = logged(() -> told[0] = ServerFaults.reported(new NullPointerException("oops"), "REQ5", null, null));
        assertThat(told[0].code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
        assertThat(told[0].getMessage()).isEqualTo("Internal server error");
        assertThat(lines.get(0)).contains("ERROR", "Unexpected failure while handling request REQ5 (- on -)");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("\tat "));
    }

    @Test
    void aClientErrorIsNotLogged() {
        BasaltException validation = new BasaltException(ErrorCode.VALIDATION, "One or more parameter values were "
                + "invalid");
        assertThat(logged(() -> assertThat(ServerFaults.reported(validation, "REQ6", TARGET, null))
                .isSameAs(validation))).isEmpty();
    }
}
