package dev.countersign.challenge.qr;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Not claimed {@code {false,false,false}}, claimed {@code {true,false,false}}, declined
 * {@code {true,true,false}}, verified {@code {true,true,true,accessToken}} (docs/protocol/wire.md#43-qr-by-polling).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyQrResponse(
        @JsonProperty("isClaimed") boolean isClaimed,
        @JsonProperty("isConsumed") boolean isConsumed,
        @JsonProperty("isVerified") boolean isVerified,
        String accessToken) {
}
