package dev.countersign.common.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class LenientBase64Test {

    // 0xfb 0xff 0xbf: standard "+/+/", URL-safe "-_-_"; with one more byte padding appears.
    private static final byte[] BYTES = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 0x61};

    @Test
    void standardAlphabetWithPaddingDecodes() {
        assertThat(LenientBase64.decode("+/+/YQ==")).hasValueSatisfying(b -> assertThat(b).isEqualTo(BYTES));
    }

    @Test
    void standardAlphabetWithoutPaddingDecodes() {
        assertThat(LenientBase64.decode("+/+/YQ")).hasValueSatisfying(b -> assertThat(b).isEqualTo(BYTES));
    }

    @Test
    void urlSafeAlphabetWithoutPaddingDecodes() {
        assertThat(LenientBase64.decode("-_-_YQ")).hasValueSatisfying(b -> assertThat(b).isEqualTo(BYTES));
    }

    @Test
    void urlSafeAlphabetWithPaddingDecodes() {
        assertThat(LenientBase64.decode("-_-_YQ==")).hasValueSatisfying(b -> assertThat(b).isEqualTo(BYTES));
    }

    @Test
    void singlePaddingCharacterIsEnoughOrOptional() {
        assertThat(LenientBase64.decode("YQ=")).hasValueSatisfying(b -> assertThat(b).isEqualTo("a".getBytes(UTF_8)));
        assertThat(LenientBase64.decode("YWI")).hasValueSatisfying(b -> assertThat(b).isEqualTo("ab".getBytes(UTF_8)));
        assertThat(LenientBase64.decode("YWI=")).hasValueSatisfying(b -> assertThat(b).isEqualTo("ab".getBytes(UTF_8)));
    }

    @Test
    void plusThatAProxyTurnedIntoASpaceIsReadAsPlus() {
        assertThat(LenientBase64.decode(" / /YQ==")).isEmpty(); // leading space is stripped, so this one is short
        assertThat(LenientBase64.decode("+/ /YQ==")).hasValueSatisfying(b -> assertThat(b).isEqualTo(BYTES));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(LenientBase64.decode("  YWJj \t")).hasValueSatisfying(b -> assertThat(b).isEqualTo("abc".getBytes(UTF_8)));
    }

    @Test
    void roundTripsEveryLengthInBothAlphabets() {
        for (int n = 1; n < 40; n++) {
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) (i * 37 + n * 11);
            }
            for (String text : new String[] {Base64.getEncoder().encodeToString(bytes),
                Base64.getEncoder().withoutPadding().encodeToString(bytes),
                Base64.getUrlEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)}) {
                assertThat(LenientBase64.decode(text)).as(text).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
            }
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "=", "==", "====", "YQ===", "Y", "YWJjZ", "YW*j", "YW.j", "YW\nJj", "YQ==YQ==", "YW=j",
        "éé", "%59%51"})
    void garbageIsRefused(String text) {
        assertThat(LenientBase64.decode(text)).isEmpty();
    }
}
