package dev.countersign.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

    @Test
    void aConfiguredOriginMatchesOnlyExactly() {
        List<String> allowed = List.of("https://app.example");

        assertThat(AllowedOrigins.allows(allowed, "https://app.example")).isTrue();
        assertThat(AllowedOrigins.allows(allowed, "https://app.example:8443")).isFalse();
        assertThat(AllowedOrigins.allows(allowed, "http://app.example")).isFalse();
        assertThat(AllowedOrigins.allows(allowed, "https://app.example.evil.test")).isFalse();
    }

    @Test
    void aPortWildcardMatchesThatSchemeAndHostOnAnyPort() {
        List<String> allowed = List.of("http://localhost:*", "http://127.0.0.1:*");

        assertThat(AllowedOrigins.allows(allowed, "http://localhost:3000")).isTrue();
        assertThat(AllowedOrigins.allows(allowed, "http://localhost:5173")).isTrue();
        assertThat(AllowedOrigins.allows(allowed, "http://127.0.0.1:8080")).isTrue();
    }

    @Test
    void aPortWildcardMatchesNeitherAnotherHostNorSchemeNorAMissingPort() {
        List<String> allowed = List.of("http://localhost:*");

        assertThat(AllowedOrigins.allows(allowed, "http://localhost")).isFalse();
        assertThat(AllowedOrigins.allows(allowed, "https://localhost:3000")).isFalse();
        assertThat(AllowedOrigins.allows(allowed, "http://localhost.evil.test:3000")).isFalse();
        assertThat(AllowedOrigins.allows(allowed, "http://localhost:3000.evil.test")).isFalse();
        assertThat(AllowedOrigins.allows(allowed, "http://localhost:3000@evil.test")).isFalse();
        assertThat(AllowedOrigins.allows(allowed, "http://localhost:123456")).isFalse();
    }

    @Test
    void aStarAllowsEveryOrigin() {
        assertThat(AllowedOrigins.allows(List.of("*"), "https://anything.example")).isTrue();
        assertThat(AllowedOrigins.allows(List.of(), "https://anything.example")).isFalse();
    }
}
