package dev.countersign.common.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void userIdIsOneToTwoHundredFiftyFiveCharactersWithoutControls() {
        assertThat(Identifiers.isUserId("alice@example.com")).isTrue();
        assertThat(Identifiers.isUserId("x;y %/é 📱")).isTrue();
        assertThat(Identifiers.isUserId("u".repeat(255))).isTrue();
        // Counted in characters, not UTF-16 units: 255 emoji are 510 chars.
        assertThat(Identifiers.isUserId("📱".repeat(255))).isTrue();
        assertThat(Identifiers.isUserId("u".repeat(256))).isFalse();
        assertThat(Identifiers.isUserId("")).isFalse();
        assertThat(Identifiers.isUserId(null)).isFalse();
        for (String control : new String[] {"\u0000", "\n", "\r", "\t", "\u001f", "\u007f", "\u0085", "\u009f"}) {
            assertThat(Identifiers.isUserId("a" + control + "b")).as("U+%04X", (int) control.charAt(0)).isFalse();
        }
    }

    @Test
    void tenantIdIsLettersDigitsDashAndUnderscoreUpToSixtyFour() {
        assertThat(Identifiers.isTenantId("Acme-Prod_2")).isTrue();
        assertThat(Identifiers.isTenantId("t".repeat(64))).isTrue();
        assertThat(Identifiers.isTenantId("t".repeat(65))).isFalse();
        for (String bad : new String[] {"", "a.b", "a b", "a:b", "a/b", "é", "a\u0000", "a\n"}) {
            assertThat(Identifiers.isTenantId(bad)).as(bad).isFalse();
        }
        assertThat(Identifiers.isTenantId(null)).isFalse();
    }

    @Test
    void controlCharactersAreC0DelAndC1() {
        assertThat(Identifiers.hasControlCharacter("Pixel 8 Pro – Zoë’s")).isFalse();
        assertThat(Identifiers.hasControlCharacter(null)).isFalse();
        assertThat(Identifiers.hasControlCharacter("a\u0001")).isTrue();
        assertThat(Identifiers.hasControlCharacter("a\u007f")).isTrue();
        assertThat(Identifiers.hasControlCharacter("a\u0090")).isTrue();
    }
}
