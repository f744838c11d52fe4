package dev.countersign.common.token;

/**
 * What a client token may be used for (docs/protocol/decisions.md#5-token-kinds), carried in the {@code typ} claim. A track
 * token enrols devices and starts challenges; an access token, earned by a verification, only
 * validates.
 */
public enum TokenType {
    TRACK("track"),
    ACCESS("access");

    private final String claim;

    TokenType(String claim) {
        this.claim = claim;
    }

    public String claim() {
        return claim;
    }

    public static TokenType fromClaim(String value) {
        for (TokenType type : values()) {
            if (type.claim.equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown token type " + value);
    }
}
