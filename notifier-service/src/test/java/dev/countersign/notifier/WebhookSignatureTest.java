package dev.countersign.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.countersign.notifier.delivery.webhook.WebhookSignature;
import dev.countersign.testkit.TestTenants;

class WebhookSignatureTest {

    private static final byte[] BODY = "{\"version\":1,\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);

    /** Expected value from {@code printf '1700000000.<body>' | openssl dgst -sha256 -hmac <key> -binary | base64}, '=' dropped. */
    @Test
    void headerThenTimestampAndUnpaddedBase64HmacOfTimestampDotBody() {
        assertThat(WebhookSignature.header(TestTenants.SECRET_KEY, 1_700_000_000L, BODY))
                .isEqualTo("t=1700000000,v2=B/OP5R9Cr/p/VnDLyQ97NHXxz3FmeIOfvtIOtuQrMAY");
    }

    @Test
    void headerWithAnotherKeyTimestampOrBodyThenAnotherSignature() {
        String original = WebhookSignature.header(TestTenants.SECRET_KEY, 1_700_000_000L, BODY);
        String v2 = original.substring(original.indexOf("v2="));
        assertThat(WebhookSignature.header(TestTenants.OTHER_SECRET_KEY, 1_700_000_000L, BODY)).doesNotContain(v2);
        assertThat(WebhookSignature.header(TestTenants.SECRET_KEY, 1_700_000_001L, BODY)).doesNotContain(v2);
        assertThat(WebhookSignature.header(TestTenants.SECRET_KEY, 1_700_000_000L,
                "{\"version\":2,\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8))).doesNotContain(v2);
    }
}
