-- Remove signatures already used (docs/protocol/decisions.md#11-remove-window). A remove proof is a
-- signature over a 10-minute window only, so without this a captured body could remove the same
-- key enrolled again while the window is still accepted. Keyed by the key (SHA-256 of the SPKI,
-- base64url), the window and the signature's r — not by tenant or kind: the proof is the key's.
-- Rows are purged once no replica can accept their window any more (expires_at).
CREATE TABLE remove_signature_use (
    key_sha256    text        NOT NULL,
    time_window   bigint      NOT NULL,
    signature_r   text        NOT NULL,
    credential_id uuid        NOT NULL,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (key_sha256, time_window, signature_r)
);
CREATE INDEX remove_signature_use_expiry ON remove_signature_use (expires_at);
