package dev.countersign.challenge.replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.lifecycle.Answer;
import dev.countersign.common.config.CountersignConfig;
import dev.countersign.common.credential.CredentialKind;
import dev.countersign.common.crypto.DevicePublicKey;
import dev.countersign.common.internal.InternalClient;
import dev.countersign.common.internal.InternalSecret;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;

/**
 * credential-service's internal lookups, for a key the replica has not heard of yet
 * ({@code GET /internal/v1/credentials?tenantId=&publicKey=&kind=} → the active credential, or 404)
 * and for a user whose index lacks a credential ({@code GET /internal/v1/user-credentials}).
 * Timeout, secret and 503 as every internal lookup ({@link InternalClient}).
 */
@ApplicationScoped
public class CredentialServiceClient {

    private final InternalClient client;

    public CredentialServiceClient(Vertx vertx, CountersignConfig config, InternalSecret secret) {
        this.client = new InternalClient(vertx, config.services().credentialUrl(), "credential-service",
                "Credential lookup is unavailable", secret);
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The active credential with this key, as credential-service has it now; empty on 404. */
    public Uni<Optional<Answer>> find(String tenantId, CredentialKind kind, DevicePublicKey key) {
        String uri = "/internal/v1/credentials?tenantId=" + InternalClient.encode(tenantId)
                + "&publicKey=" + InternalClient.encode(key.spkiBase64()) + "&kind=" + InternalClient.encode(kind.wireName());
        return client.get(uri, "Key", (status, body) -> {
            if (status == 404) {
                return Optional.<Answer>empty();
            }
            return answer(body, tenantId, kind, key);
        });
    }

    /**
     * The user's usable credentials as credential-service has them now:
     * {@code GET /internal/v1/user-credentials?tenantId=&userId=} → {@code {credentials: [...]}}.
     */
    public Uni<List<UserCredential>> listOfUser(String tenantId, String userId) {
        String uri = "/internal/v1/user-credentials?tenantId=" + InternalClient.encode(tenantId)
                + "&userId=" + InternalClient.encode(userId);
        return client.get(uri, "User", (status, body) -> {
            if (status != 200) {
                throw new IllegalStateException("credential-service answered " + status);
            }
            JsonArray credentials = body.getJsonArray("credentials");
            if (credentials == null) {
                throw new IllegalStateException("credential-service answered without credentials");
            }
            List<UserCredential> listed = new ArrayList<>();
            for (int i = 0; i < credentials.size(); i++) {
                JsonObject json = credentials.getJsonObject(i);
                CredentialKind kind = CredentialKind.fromWireName(json.getString("kind"))
                        .orElseThrow(() -> new IllegalStateException("credential-service answered an unknown kind"));
                DevicePublicKey key = DevicePublicKey.fromSpkiBase64(json.getString("publicKey"))
                        .orElseThrow(() -> new IllegalStateException("credential-service answered an unusable key"));
                Answer answer = answer(json, tenantId, kind, key).orElseThrow();
                if (!userId.equals(answer.userId())) {
                    throw new IllegalStateException("credential-service answered for another user");
                }
                listed.add(new UserCredential(kind, key, answer));
            }
            return listed;
        });
    }

    private static Optional<Answer> answer(JsonObject json, String tenantId, CredentialKind kind, DevicePublicKey key) {
        String credentialId = json.getString("credentialId");
        String userId = json.getString("userId");
        Long version = json.getLong("version");
        if (credentialId == null || userId == null || version == null
                || !tenantId.equals(json.getString("tenantId"))
                || !kind.wireName().equals(json.getString("kind"))
                || !DevicePublicKey.fromSpkiBase64(json.getString("publicKey"))
                        .map(DevicePublicKey::spkiBase64).filter(key.spkiBase64()::equals).isPresent()) {
            throw new IllegalStateException("credential-service answered for another credential");
        }
        return Optional.of(new Answer(credentialId, userId, version, expiresAtMillis(json.getString("expiresAt")),
                json.getString("devicePlatform"), json.getString("pushToken")));
    }

    /** credential-service answers only unexpired credentials; the replica still needs the deadline. */
    private static Long expiresAtMillis(String expiresAt) {
        return expiresAt == null ? null : java.time.Instant.parse(expiresAt).toEpochMilli();
    }

    /**
     * What credential-service says about the key; tenant, kind and key are the ones asked for.
     * {@code devicePlatform} / {@code pushToken}: a push credential's delivery data (null = none).
     */
    public record Answer(String credentialId, String userId, long version, Long expiresAtMillis,
            String devicePlatform, String pushToken) {
    }

    /** One of a user's credentials: its kind and key, and what credential-service says about it. */
    public record UserCredential(CredentialKind kind, DevicePublicKey key, Answer answer) {
    }
}
