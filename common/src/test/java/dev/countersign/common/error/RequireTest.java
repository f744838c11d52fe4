package dev.countersign.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import dev.countersign.common.crypto.TestKeys;

class RequireTest {

    private record Body(String token) {
    }

    @Test
    void deviceKeysAreReadInTheirWireFormsAndAnythingElseIsRefusedWithTheCallersDescription() {
        String spki = Base64.getEncoder().encodeToString(TestKeys.p256().getPublic().getEncoded());
        String query = Base64.getEncoder().encodeToString(spki.getBytes(StandardCharsets.US_ASCII));
        assertThat(Require.bodyKey(spki, "bad key").spkiBase64()).isEqualTo(spki);
        assertThat(Require.queryKey(query, "bad key").spkiBase64()).isEqualTo(spki);
        refused(() -> Require.bodyKey(null, "bad key"), "publicKey is required");
        refused(() -> Require.queryKey(" ", "bad key"), "publicKey is required");
        refused(() -> Require.bodyKey("bm90IGEga2V5", "bad key"), "bad key");
        refused(() -> Require.queryKey("bm90IGEga2V5", "bad key"), "bad key");
    }

    @Test
    void missingBodyIsRefusedAndAPresentOneAnswered() {
        refused(() -> Require.body(null), "A JSON body is required");
        Body body = new Body("t");
        assertThat(Require.body(body)).isSameAs(body);
    }

    @Test
    void missingEmptyOrBlankTextIsRefusedNamingTheField() {
        refused(() -> Require.text(null, "publicKey"), "publicKey is required");
        refused(() -> Require.text("", "publicKey"), "publicKey is required");
        refused(() -> Require.text(" \t", "signature"), "signature is required");
        assertThat(Require.text(" abc ", "signature")).isEqualTo(" abc ");
    }

    @Test
    void textOfAMissingBodyIsRefusedAsTheMissingField() {
        refused(() -> Require.text(null, Body::token, "token"), "token is required");
        refused(() -> Require.text(new Body(" "), Body::token, "token"), "token is required");
        assertThat(Require.text(new Body("jwt"), Body::token, "token")).isEqualTo("jwt");
    }

    @Test
    void absentFieldIsRefusedAndFalseIsPresent() {
        refused(() -> Require.present(null, "approved"), "approved is required");
        assertThat(Require.present(Boolean.FALSE, "approved")).isFalse();
    }

    @Test
    void unparsedValueIsRefusedWithItsDescription() {
        refused(() -> Require.valid(Optional.empty(), "kind must be push, qr-code or in-app"),
                "kind must be push, qr-code or in-app");
        assertThat(Require.valid(Optional.of(7), "unused")).isEqualTo(7);
    }

    @Test
    void failedConditionIsRefusedWithItsDescription() {
        refused(() -> Require.that(false, "idempotencyKey must be 1 to 200 characters"),
                "idempotencyKey must be 1 to 200 characters");
        assertThatCode(() -> Require.that(true, "unused")).doesNotThrowAnyException();
    }

    @Test
    void nestedValuesInAFlatObjectAreRefusedNamingTheKey() {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("s", "x");
        flat.put("n", 1.5);
        flat.put("b", true);
        flat.put("none", null);
        assertThat(Require.scalarValues(flat, "custom")).isSameAs(flat);
        assertThat(Require.scalarValues((Map<String, Object>) null, "custom")).isNull();
        refused(() -> Require.scalarValues(Map.of("list", List.of(1)), "custom"),
                "custom.list must be a string, number or boolean");
        refused(() -> Require.scalarValues(Map.of("object", Map.of("a", 1)), "custom"),
                "custom.object must be a string, number or boolean");
    }

    @Test
    void userIdIsAnsweredUnchangedOrRefusedWithOneDescription() {
        assertThat(Require.userId("alice")).isEqualTo("alice");
        for (String bad : new String[] {null, "", "a\u0000", "u".repeat(256)}) {
            refused(() -> Require.userId(bad), "userId must be 1 to 255 characters without control characters");
        }
    }

    @Test
    void printableTextMayBeAbsentButNeverHoldsAControlCharacter() {
        assertThat(Require.printable(null, "deviceName")).isNull();
        assertThat(Require.printable("Pixel 8", "deviceName")).isEqualTo("Pixel 8");
        refused(() -> Require.printable("Pixel\n8", "deviceName"), "deviceName must not contain control characters");
    }

    private static void refused(ThrowingCallable call, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).isEqualTo(description);
        });
    }
}
