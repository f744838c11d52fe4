-- Device credentials (push, qr-code, in-app). A removed credential keeps its row (removed_at set)
-- so its id and history stay answerable; only active rows take part in the key's uniqueness.
CREATE TABLE credential (
    id               uuid        PRIMARY KEY,
    tenant_id        text        NOT NULL,
    user_id          text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('push', 'qr-code', 'in-app')),
    -- Canonical form: SPKI DER as standard padded base64 (DevicePublicKey.spkiBase64()).
    public_key       text        NOT NULL,
    device_name      text,
    device_platform  text,
    push_token       text,
    -- performAttestation as the device sent it; not verified yet (docs/protocol/decisions.md#15-attestation).
    attestation      jsonb,
    created_at       timestamptz NOT NULL,
    last_verified_at timestamptz,
    removed_at       timestamptz,
    -- Grows with every change; events carry it so consumers never apply an older state.
    version          bigint      NOT NULL
);

-- One active credential per key and kind in a tenant; decides concurrent enrolments of one key.
CREATE UNIQUE INDEX credential_active_key ON credential (tenant_id, kind, public_key) WHERE removed_at IS NULL;
CREATE INDEX credential_user ON credential (tenant_id, user_id);

-- Transactional outbox: written in the same transaction as the change, relayed to Kafka, then deleted.
CREATE TABLE credential_outbox (
    seq          bigserial   PRIMARY KEY,
    event_id     uuid        NOT NULL,
    aggregate_id uuid        NOT NULL,
    type         text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL
);
