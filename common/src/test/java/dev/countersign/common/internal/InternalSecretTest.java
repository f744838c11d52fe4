package dev.countersign.common.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.RequestOptions;

class InternalSecretTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void anUnsetSecretRefusesToStartNamingTheProperty() {
        assertThatThrownBy(() -> new InternalSecret(Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("countersign.internal.secret")
                .hasMessageContaining("COUNTERSIGN_INTERNAL_SECRET");
        assertThatThrownBy(() -> new InternalSecret(Optional.of("   ")))
                .hasMessageContaining("countersign.internal.secret");
    }

    @Test
    void aShortSecretRefusesToStartWithoutShowingIt() {
        assertThatThrownBy(() -> new InternalSecret(Optional.of("short-secret")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("countersign.internal.secret")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void onlyTheExactSecretMatches() {
        InternalSecret secret = new InternalSecret(Optional.of(SECRET));
        assertThat(secret.matches(SECRET)).isTrue();
        assertThat(secret.matches(null)).isFalse();
        assertThat(secret.matches("")).isFalse();
        assertThat(secret.matches(SECRET + "0")).isFalse();
        assertThat(secret.matches(SECRET.substring(1))).isFalse();
        assertThat(secret.matches(SECRET.toUpperCase())).isFalse();
    }

    @Test
    void theClientSideSendsWhatTheServerSideAccepts() {
        InternalSecret secret = new InternalSecret(Optional.of(SECRET));
        RequestOptions request = secret.authorize(new RequestOptions());
        assertThat(secret.matches(request.getHeaders().get(InternalSecret.HEADER))).isTrue();
    }

    @Test
    void internalPathsAreRecognisedWhateverTheirSlashes() {
        assertThat(InternalSecret.isInternal("/internal")).isTrue();
        assertThat(InternalSecret.isInternal("/internal/v1/credentials")).isTrue();
        assertThat(InternalSecret.isInternal("//internal/v1/credentials")).isTrue();
        assertThat(InternalSecret.isInternal("/internal//v1")).isTrue();
        assertThat(InternalSecret.isInternal("/internals")).isFalse();
        assertThat(InternalSecret.isInternal("/v1/internal")).isFalse();
        assertThat(InternalSecret.isInternal(null)).isFalse();
    }
}
