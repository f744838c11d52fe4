-- The newer SDKs' credential lifecycle (docs/protocol/wire.md#72-additions-of-the-newer-sdks) and attestation nonces.

-- When the credential stops answering challenges unless renewed (PATCH …/push with resetExpiry);
-- null = never (no countersign.credential.lifetime configured, or enrolled before this column).
ALTER TABLE credential ADD COLUMN expires_at timestamptz;
-- The X-Authsignal-* headers of the newer SDKs (docs/protocol/wire.md#17-other-headers), as of enrolment or the last update.
ALTER TABLE credential ADD COLUMN device_metadata jsonb;

-- The message a device signs to update its push credential (POST …/push/sign, then PATCH …/push).
-- Single use: the PATCH deletes the row it consumes; rows past expires_at are refused and purged.
CREATE TABLE credential_signing_challenge (
    id            uuid        PRIMARY KEY,
    tenant_id     text        NOT NULL,
    credential_id uuid        NOT NULL REFERENCES credential (id),
    message       text        NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX credential_signing_challenge_expiry ON credential_signing_challenge (expires_at);

-- Attestation nonces already used for an enrolment: the primary key makes each usable once, even
-- by two concurrent enrolments (the loser hits the unique constraint).
CREATE TABLE attestation_nonce_use (
    nonce_id      text        PRIMARY KEY,
    tenant_id     text        NOT NULL,
    credential_id uuid        NOT NULL,
    used_at       timestamptz NOT NULL
);
