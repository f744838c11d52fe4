package dev.countersign.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireJsonTest {

    private static WireJson updateChallenge() {
        return WireJson.object()
                .put("publicKey", "MFkw/a+b==")
                .put("challengeId", "c-1")
                .put("approved", true)
                .putNullable("verificationCode", null)
                .putOptional("performAttestation", null);
    }

    @Test
    void kotlinxPrettyPrintIndentsFourSpacesAndWritesNullableWithoutDefaultAsNull() {
        assertThat(updateChallenge().toKotlinxPretty()).isEqualTo("""
                {
                    "publicKey": "MFkw/a+b==",
                    "challengeId": "c-1",
                    "approved": true,
                    "verificationCode": null
                }""");
    }

    @Test
    void swiftCompactOmitsNilAndEscapesSlashes() {
        assertThat(updateChallenge().toSwiftCompact())
                .isEqualTo("{\"publicKey\":\"MFkw\\/a+b==\",\"challengeId\":\"c-1\",\"approved\":true}");
    }

    @Test
    void presentOptionalValuesAreWrittenByBoth() {
        WireJson body = WireJson.object().put("a", "x").putNullable("code", "123").putOptional("action", "signIn");
        assertThat(body.toKotlinxPretty()).isEqualTo("{\n    \"a\": \"x\",\n    \"code\": \"123\",\n    \"action\": \"signIn\"\n}");
        assertThat(body.toSwiftCompact()).isEqualTo("{\"a\":\"x\",\"code\":\"123\",\"action\":\"signIn\"}");
    }

    @Test
    void nestedObjectsIndentOneLevelDeeper() {
        WireJson body = WireJson.object().put("publicKey", "k")
                .putOptional("performAttestation", WireJson.object().put("provider", "PLAY_INTEGRITY").put("token", "t"));
        assertThat(body.toKotlinxPretty()).isEqualTo("""
                {
                    "publicKey": "k",
                    "performAttestation": {
                        "provider": "PLAY_INTEGRITY",
                        "token": "t"
                    }
                }""");
        assertThat(body.toSwiftCompact()).isEqualTo("{\"publicKey\":\"k\",\"performAttestation\":{\"provider\":\"PLAY_INTEGRITY\",\"token\":\"t\"}}");
    }

    @Test
    void emptyObjectIsTwoBracesInBothStyles() {
        WireJson body = WireJson.object().putOptional("action", null);
        assertThat(body.toKotlinxPretty()).isEqualTo("{}");
        assertThat(body.toSwiftCompact()).isEqualTo("{}");
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        WireJson body = WireJson.object().put("s", "a\"b\\c\nd\u0001é");
        assertThat(body.toSwiftCompact()).isEqualTo("{\"s\":\"a\\\"b\\\\c\\nd\\u0001é\"}");
        assertThat(body.toKotlinxPretty()).isEqualTo("{\n    \"s\": \"a\\\"b\\\\c\\nd\\u0001é\"\n}");
    }
}
