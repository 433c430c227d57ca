package io.basalt.server;

import static java.util.Objects.requireNonNull;

/**
 * Who sent a request and where it claims to go, from its Authorization header (signature verification comes with
 * authentication; for now any credentials are accepted).
 *
 * @param accessKeyId the access key of the credential scope
 * @param region the region of the credential scope; ARNs in responses use it
 * @param host the Host header, which DescribeEndpoints reports back as the endpoint
 */
public record RequestContext(String requestId, String accessKeyId, String region, String accountId, String host) {
    public RequestContext {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(accessKeyId, "accessKeyId is null");
        requireNonNull(region, "region is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(host, "host is null");
    }

    public String tableArn(String tableName) {
        return "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + tableName;
    }
}
