package dev.countersign.notifier.delivery.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Signature-V2: t=<unix seconds>,v2=<sig>} with {@code sig = base64(HMAC-SHA256(secret,
 * "<t>." + rawBody))} without its padding (docs/protocol/wire.md#57-the-pushcreated-webhook), as {@code @authsignal/node}'s
 * {@code webhook.constructEvent} checks it. The SDK strips the first {@code '='}; a 32-byte MAC has
 * exactly one.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Signature-V2";

    private WebhookSignature() {
    }

    public static String header(String secret, long unixSeconds, byte[] rawBody) {
        return "t=" + unixSeconds + ",v2=" + sign(secret, unixSeconds, rawBody);
    }

    static String sign(String secret, long unixSeconds, byte[] rawBody) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(mac.doFinal(rawBody));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
