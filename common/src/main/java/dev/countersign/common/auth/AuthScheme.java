package dev.countersign.common.auth;

/** How a caller may prove who it is (docs/protocol/wire.md#12-authorization-bearer-and-the-three-basic-encodings, docs/protocol/wire.md#5-server-api). */
public enum AuthScheme {
    /** {@code Basic} with the tenant id (not a secret): device and anonymous browser calls. */
    TENANT,
    /** {@code Bearer} client token (track or access); the endpoint says which kind it takes. */
    BEARER,
    /** {@code Basic base64(secret:)}: the Server API. */
    SERVER_SECRET
}
