package dev.countersign.challenge.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Pending {@code {false,false}}, declined {@code {true,false}}, verified {@code {true,true,accessToken}} (docs/protocol/wire.md#41-push-from-the-browser). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyPushResponse(
        @JsonProperty("isConsumed") boolean isConsumed,
        @JsonProperty("isVerified") boolean isVerified,
        String accessToken) {
}
