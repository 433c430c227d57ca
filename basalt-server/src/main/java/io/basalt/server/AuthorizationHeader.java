package io.basalt.server;

/**
 * The parts of a SigV4 {@code Authorization} header Basalt uses before signatures are verified:
 * {@code AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=..., Signature=...}.
 */
record AuthorizationHeader(String accessKeyId, String region) {
    private static final String CREDENTIAL = "Credential=";

    /** The header's access key and region, or null when it is not a SigV4 header with a credential scope. */
    static AuthorizationHeader parse(String header) {
        if (header == null) {
            return null;
        }
        int start = header.indexOf(CREDENTIAL);
        if (start < 0) {
            return null;
        }
        start += CREDENTIAL.length();
        int end = header.indexOf(',', start);
        String credential = (end < 0 ? header.substring(start) : header.substring(start, end)).trim();
        String[] scope = credential.split("/");
        if (scope.length < 3 || scope[0].isEmpty()) {
            return null;
        }
        return new AuthorizationHeader(scope[0], scope[2]);
    }
}
