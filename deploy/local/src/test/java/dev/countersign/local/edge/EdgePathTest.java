package dev.countersign.local.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EdgePathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/v1/users/u1/authenticators", "/v1/validate", "/ws-v1-challenge", "/v1/users/a.b/actions/x"})
    void ordinaryPathIsCanonical(String path) {
        assertThat(Edge.isCanonical(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/users/x/../../q/health/ready", "/v1/users/./x", "/v1/users/%2e%2e/q",
        "/v1/users/x%2F..%2F..%2Fq", "/v1//validate", "/v1/users/x\\..\\q", "/v1/users/%252e%252e", "v1/validate"})
    void pathAServiceWouldReadDifferentlyIsRefused(String path) {
        assertThat(Edge.isCanonical(path)).isFalse();
    }
}
