package dev.countersign.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class Sha256Test {

    /** FIPS 180-2 test vector: SHA-256("abc"). */
    private static final String ABC_HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void digestOfBytesMatchesTheStandardVector() {
        assertThat(Sha256.digest("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(HexFormat.of().parseHex(ABC_HEX));
    }

    @Test
    void textIsHashedAsItsUtf8Bytes() {
        assertThat(Sha256.digest("é")).isEqualTo(Sha256.digest(new byte[] {(byte) 0xc3, (byte) 0xa9}));
        assertThat(Sha256.digest("abc")).isEqualTo(HexFormat.of().parseHex(ABC_HEX));
    }

    @Test
    void hexIsLowercaseAndSixtyFourCharacters() {
        assertThat(Sha256.hex("abc")).isEqualTo(ABC_HEX);
        // `echo -n '' | sha256sum`
        assertThat(Sha256.hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void base64UrlIsUnpaddedWithTheUrlAlphabet() {
        // `printf abc | openssl dgst -sha256 -binary | basenc --base64url`, '=' dropped; '/' and '+' become '_' and '-'.
        assertThat(Sha256.base64Url("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assertThat(Sha256.base64Url("abc".getBytes(StandardCharsets.UTF_8))).isEqualTo(Sha256.base64Url("abc"));
    }
}
