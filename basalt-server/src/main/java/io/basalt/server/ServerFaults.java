package io.basalt.server;

import io.basalt.cluster.rpc.RpcRefusedException;
import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a failed request is logged before the one error formatter answers it (docs/design/cluster.md, "s18
 * robustness"). A 5xx the cluster gives on purpose — a write whose outcome a leader change left unknown (500,
 * which DynamoDB's clients must treat as possibly applied and retry), or a routing deadline passed with only safe
 * failures (503) — is one WARN line naming the request id, the operation, its tables and the routing answer or
 * transport failure behind it: under leader moves these come several a second, and their stack traces say nothing.
 * Every other server fault, and anything that is not a {@link BasaltException} at all, is a defect: ERROR with its
 * stack trace. 4xx answers are the client's business and are not logged.
 */
final class ServerFaults {
    private static final Logger LOG = LoggerFactory.getLogger(ServerFaults.class);

    private ServerFaults() {
    }

    /**
     * Logs {@code failure} as described in the class comment and returns what the client is told: the failure itself
     * when it is a {@link BasaltException}, else an InternalServerError.
     *
     * @param target the request's {@code X-Amz-Target} (may be null)
     * @param body the parsed request (null when the failure came before the parse)
     */
    static BasaltException reported(Throwable failure, String requestId, String target, JsonObject body) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (!(cause instanceof BasaltException basalt)) {
            LOG.error("Unexpected failure while handling request {} ({} on {})", requestId, operation(target),
                    tables(body), cause);
            return new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", cause);
        }
        if (basalt.code().isServerFault()) {
            String reason = clusterReason(basalt);
            if (reason != null) {
                LOG.warn("Request {} ({} on {}) answered {} {}: {}", requestId, operation(target), tables(body),
                        basalt.code().httpStatus(), basalt.code().wireType(), reason);
            } else {
                LOG.error("Request {} ({} on {}) failed", requestId, operation(target), tables(body),
                        basalt.getCause() != null ? basalt.getCause() : basalt);
            }
        }
        return basalt;
    }

    /**
     * What the cluster's routing says about a 5xx it gave on purpose (the refusal or transport failure the Router
     * ended with), or null for a fault nothing in the cluster expected.
     */
    static String clusterReason(BasaltException failure) {
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof RpcRefusedException refused) {
                return refused.response().kind() + " from the partition's group";
            }
            if (cause instanceof RpcTransportException transport) {
                return (transport.written() ? "sent, then " : "not sent: ") + transport.failure() + " ("
                        + transport.getMessage() + ")";
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /** The operation's name from {@code X-Amz-Target} ({@code DynamoDB_20120810.PutItem} → {@code PutItem}). */
    private static String operation(String target) {
        if (target == null) {
            return "-";
        }
        int dot = target.lastIndexOf('.');
        return dot < 0 ? target : target.substring(dot + 1);
    }

    /** The tables a request names: TableName, else the names under RequestItems; "-" when neither can be read. */
    static String tables(JsonObject body) {
        if (body == null) {
            return "-";
        }
        Object table = body.get("TableName");
        if (table instanceof String name) {
            return name;
        }
        Object items = body.get("RequestItems");
        if (items instanceof JsonObject requestItems && requestItems.size() > 0) {
            return String.join(",", requestItems.names());
        }
        return "-";
    }
}
