package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;

/**
 * A push challenge started in the browser reaches the tenant's webhook endpoint exactly once, as
 * the signed {@code push.created} envelope of docs/protocol/wire.md#57-the-pushcreated-webhook, through the real services
 * and Kafka; the device can fetch and approve it as always. The compat suite checks the same
 * webhooks with the real {@code @authsignal/node} {@code webhook.constructEvent}.
 */
@ExtendWith(RunningStack.class)
class PushWebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SIGNATURE = Pattern.compile("t=(\\d+),v2=([A-Za-z0-9+/]+=?)");

    @Test
    void pushChallengeSendsExactlyOneSignedPushCreatedWebhook(CountersignStack stack, WebhookSink sink) throws Exception {
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "user-" + UUID.randomUUID();
        SimulatedDevice device = SimulatedDevice.create(DeviceProfile.IOS_2_7, stack.baseUrl(), stack.tenantId());
        String enrolToken = server.track(user, "enrolDevice", "{\"scope\":\"add:authenticators\"}").text("token");
        assertThat(device.addCredential(CredentialKind.PUSH, enrolToken).status()).isEqualTo(200);
        assertThat(device.getPushChallenge().status()).isEqualTo(200);

        ServerApi.Answer signIn = server.track(user, "signIn",
                "{\"ipAddress\":\"198.51.100.9\",\"userAgent\":\"Mozilla/5.0 (webhook test)\"}");
        BrowserClient.Answer started = new BrowserClient(stack.baseUrl(), signIn.text("token")).challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String challengeId = started.text("challengeId");

        await().atMost(Duration.ofSeconds(20)).until(() -> webhooksFor(sink, challengeId).size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> webhooksFor(sink, challengeId).size() == 1);
        WebhookSink.Captured webhook = webhooksFor(sink, challengeId).get(0);

        assertThat(webhook.method()).isEqualTo("POST");
        assertThat(webhook.contentType()).startsWith("application/json");
        Matcher signature = SIGNATURE.matcher(webhook.signature());
        assertThat(signature.matches()).as(webhook.signature()).isTrue();
        assertThat(signature.group(2)).isEqualTo(sign(stack.secretKey(), signature.group(1) + "." + webhook.body()));

        JsonNode envelope = JSON.readTree(webhook.body());
        assertThat(envelope.path("version").asInt()).isEqualTo(1);
        assertThat(envelope.path("type").asText()).isEqualTo("push.created");
        assertThat(envelope.path("tenantId").asText()).isEqualTo(stack.tenantId());
        assertThat(envelope.path("id").asText()).isNotBlank();
        JsonNode data = envelope.path("data");
        assertThat(data.path("userId").asText()).isEqualTo(user);
        assertThat(data.path("actionCode").asText()).isEqualTo("signIn");
        assertThat(data.path("idempotencyKey").asText()).isEqualTo(signIn.text("idempotencyKey"));
        assertThat(data.path("ipAddress").asText()).isEqualTo("198.51.100.9");
        assertThat(data.path("userAgent").asText()).isEqualTo("Mozilla/5.0 (webhook test)");
        assertThat(webhook.body()).doesNotContain(signIn.text("token")).doesNotContain(stack.secretKey());

        DeviceResponse fetched = device.getPushChallenge();
        assertThat(fetched.text("challengeId")).isEqualTo(challengeId);
        assertThat(device.updateChallenge(CredentialKind.PUSH, challengeId, true, null).status()).isEqualTo(200);
    }

    private static List<WebhookSink.Captured> webhooksFor(WebhookSink sink, String challengeId) {
        return sink.captured().stream().filter(c -> {
            try {
                return challengeId.equals(JSON.readTree(c.body()).path("data").path("challengeId").asText());
            } catch (Exception notJson) {
                return false;
            }
        }).toList();
    }

    /** docs/protocol/wire.md#57-the-pushcreated-webhook: base64(HMAC-SHA256(secret, "t.body")) with its padding removed. */
    private static String sign(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String b64 = Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        return b64.endsWith("=") ? b64.substring(0, b64.length() - 1) : b64;
    }
}
