package dev.countersign.challenge.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A challenge on a tracked action: who may answer it (the target credentials), what the device is
 * shown (the requesting browser's context, captured at track), until when, and how it ended.
 * Made with {@link #newPending} (a new challenge) or {@link #toBuilder()} (a changed copy); only
 * the store's reading code ({@code ChallengeStore.toChallenge}) calls the constructor.
 *
 * @param custom the track attribute {@code custom} as its JSON text
 * @param verificationCode the number-matching code the approval must carry, when the action asked for one
 * @param codeChoices three codes, the right one among them, fixed at creation so repeated fetches reveal nothing
 * @param version grows with every state change (1 = created)
 */
public record Challenge(
        String challengeId,
        String tenantId,
        String userId,
        String kind,
        ChallengeState state,
        List<String> targetCredentialIds,
        Optional<String> credentialId,
        String actionCode,
        String idempotencyKey,
        Optional<String> ipAddress,
        Optional<String> userAgent,
        Optional<String> deviceId,
        Optional<String> custom,
        Instant createdAt,
        Instant expiresAt,
        Optional<String> verificationCode,
        List<String> codeChoices,
        int wrongCodes,
        long version) {

    public boolean targets(String credentialId) {
        return targetCredentialIds.contains(credentialId);
    }

    /** Pending and before its deadline: the only challenge a device may still answer. */
    public boolean isOpen(Instant now) {
        return state == ChallengeState.PENDING && now.isBefore(expiresAt);
    }

    /**
     * A new pending challenge of {@code method} in {@code tenantId}: a random id, created now,
     * answerable for the method's TTL, version 1; the rest is the method's to set.
     */
    public static Builder newPending(VerificationMethod method, String tenantId, Instant now) {
        Builder builder = new Builder();
        builder.challengeId = UUID.randomUUID().toString();
        builder.tenantId = tenantId;
        builder.kind = method.kind();
        builder.state = ChallengeState.PENDING;
        builder.createdAt = now;
        builder.expiresAt = now.plus(method.ttl());
        builder.version = 1;
        return builder;
    }

    /** A builder holding this challenge's values, to change some of them. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.challengeId = challengeId;
        builder.tenantId = tenantId;
        builder.userId = userId;
        builder.kind = kind;
        builder.state = state;
        builder.targetCredentialIds = targetCredentialIds;
        builder.credentialId = credentialId.orElse(null);
        builder.actionCode = actionCode;
        builder.idempotencyKey = idempotencyKey;
        builder.ipAddress = ipAddress.orElse(null);
        builder.userAgent = userAgent.orElse(null);
        builder.deviceId = deviceId.orElse(null);
        builder.custom = custom.orElse(null);
        builder.createdAt = createdAt;
        builder.expiresAt = expiresAt;
        builder.verificationCode = verificationCode.orElse(null);
        builder.codeChoices = codeChoices;
        builder.wrongCodes = wrongCodes;
        builder.version = version;
        return builder;
    }

    /** Named values instead of nineteen positional ones; a null optional value is absent. */
    public static final class Builder {

        private String challengeId;
        private String tenantId;
        private String userId;
        private String kind;
        private ChallengeState state;
        private List<String> targetCredentialIds = List.of();
        private String credentialId;
        private String actionCode;
        private String idempotencyKey;
        private String ipAddress;
        private String userAgent;
        private String deviceId;
        private String custom;
        private Instant createdAt;
        private Instant expiresAt;
        private String verificationCode;
        private List<String> codeChoices = List.of();
        private int wrongCodes;
        private long version;

        private Builder() {
        }

        /** The user it is for; null for a challenge whose verifying device will bind it (QR, in-app). */
        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        public Builder targetCredentialIds(List<String> targetCredentialIds) {
            this.targetCredentialIds = targetCredentialIds;
            return this;
        }

        public Builder credentialId(String credentialId) {
            this.credentialId = credentialId;
            return this;
        }

        public Builder actionCode(String actionCode) {
            this.actionCode = actionCode;
            return this;
        }

        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        public Builder ipAddress(String ipAddress) {
            this.ipAddress = ipAddress;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder deviceId(String deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        /** The track attribute {@code custom} as its JSON text. */
        public Builder custom(String custom) {
            this.custom = custom;
            return this;
        }

        /** The number-matching code the approval must carry, with the three choices shown. */
        public Builder verificationCode(String verificationCode, List<String> codeChoices) {
            this.verificationCode = verificationCode;
            this.codeChoices = codeChoices;
            return this;
        }

        public Builder version(long version) {
            this.version = version;
            return this;
        }

        public Challenge build() {
            return new Challenge(challengeId, tenantId, userId, kind, state, targetCredentialIds,
                    Optional.ofNullable(credentialId), actionCode, idempotencyKey, Optional.ofNullable(ipAddress),
                    Optional.ofNullable(userAgent), Optional.ofNullable(deviceId), Optional.ofNullable(custom),
                    createdAt, expiresAt, Optional.ofNullable(verificationCode), codeChoices, wrongCodes, version);
        }
    }
}
