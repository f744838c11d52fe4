package dev.countersign.common.internal;

import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.countersign.common.audit.Audit;
import dev.countersign.common.audit.AuditEvent;
import dev.countersign.common.audit.AuthFailure;
import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.crypto.Sha256;
import dev.countersign.common.error.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The shared secret of the service-to-service routes ({@code /internal/*}): the server side refuses
 * a request under {@code /internal} without it (401 in the error model, before routing, so an
 * unknown internal path tells nothing either), and the client side sends it. One class for both,
 * so the header and the comparison cannot drift apart.
 *
 * <p>A header of its own rather than {@code Authorization}: there, {@code Bearer} is a client token
 * and {@code Basic} a tenant, and the internal secret must never be mistaken for either (nor a
 * tenant's credentials for it). The secret is compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, in constant time whatever the presented length, and never logged.
 *
 * <p>Fail closed: without {@code countersign.internal.secret} (or with a short one) the service
 * does not start; the test and dev profiles set a fixed value in common's configuration.
 */
@Singleton
public class InternalSecret {

    public static final String HEADER = "X-Countersign-Internal-Secret";
    public static final String PROPERTY = "countersign.internal.secret";
    static final int MIN_LENGTH = 32;
    static final String PREFIX = "/internal";

    private final String value;
    private final byte[] expectedDigest;

    @Inject
    public InternalSecret(CountersignConfig config) {
        this(config.internal().secret());
    }

    public InternalSecret(Optional<String> secret) {
        String value = secret.map(String::strip).filter(s -> !s.isEmpty()).orElseThrow(() -> new IllegalStateException(
                PROPERTY + " (environment COUNTERSIGN_INTERNAL_SECRET) is not set: the services authenticate"
                        + " their /internal calls with it; set the same random value of at least " + MIN_LENGTH
                        + " characters on every service"));
        if (value.length() < MIN_LENGTH) {
            throw new IllegalStateException(PROPERTY + " is shorter than " + MIN_LENGTH + " characters");
        }
        this.value = value;
        this.expectedDigest = Sha256.digest(value);
    }

    /** Whether {@code presented} is the secret; constant time for any presented value. */
    public boolean matches(String presented) {
        byte[] digest = Sha256.digest(presented == null ? "" : presented);
        // Both sides are 32-byte digests: isEqual's time depends on neither the secret nor the guess.
        return MessageDigest.isEqual(digest, expectedDigest) && presented != null;
    }

    /** The client side: {@code request} with the secret, for a call to another service's {@code /internal} route. */
    public RequestOptions authorize(RequestOptions request) {
        return request.putHeader(HEADER, value);
    }

    /** Whether a (normalized) request path is an internal one. */
    static boolean isInternal(String path) {
        if (path == null) {
            return false;
        }
        // Repeated slashes would still reach the resource; they must not skip the check.
        String collapsed = path.replaceAll("/{2,}", "/");
        return collapsed.equals(PREFIX) || collapsed.startsWith(PREFIX + "/");
    }

    void install(@Observes Router router) {
        // After the matrix-parameter refusal and the service-name header (both at MIN_VALUE), before any resource.
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        if (!isInternal(ctx.normalizedPath()) || matches(ctx.request().getHeader(HEADER))) {
            ctx.next();
            return;
        }
        Audit.event(AuditEvent.AUTH_FAILED).outcome(ErrorCode.UNAUTHORIZED.code()).reason(AuthFailure.BAD_INTERNAL_SECRET)
                .request(ctx.request().method().name(), ctx.request().path()).clientOf(ctx.request()).write();
        ctx.response()
                .setStatusCode(401)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(ErrorCode.UNAUTHORIZED.body("Internal route: the service secret is missing or wrong").toJson());
    }
}
