package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestAuthorizationHeader {
    @Test
    void readsAccessKeyAndRegionFromTheCredentialScope() {
        AuthorizationHeader header = AuthorizationHeader.parse("AWS4-HMAC-SHA256 "
                + "Credential=AKIDEXAMPLE/20260101/eu-west-2/dynamodb/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=abcdef");
        assertThat(header).isEqualTo(new AuthorizationHeader("AKIDEXAMPLE", "eu-west-2"));
    }

    @Test
    void headersWithoutAScopeAreNotSigV4() {
        assertThat(AuthorizationHeader.parse(null)).isNull();
        assertThat(AuthorizationHeader.parse("AWS4-")).isNull();
        assertThat(AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AKID")).isNull();
    }
}
