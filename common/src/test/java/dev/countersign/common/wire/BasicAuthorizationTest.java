package dev.countersign.common.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BasicAuthorizationTest {

    @Test
    void androidEncodingStandardPaddedWithColon() {
        assertThat(BasicAuthorization.userPart("Basic dGVuYW50LTEyMzo=")).contains("tenant-123");
    }

    @Test
    void iosEncodingUrlSafeUnpaddedWithColon() {
        assertThat(BasicAuthorization.userPart("Basic dGVuYW50LTEyMzo")).contains("tenant-123");
    }

    @Test
    void browserEncodingWithoutColon() {
        assertThat(BasicAuthorization.userPart("Basic dGVuYW50LTEyMw==")).contains("tenant-123");
    }

    @Test
    void serverSdkSecretWithEmptyPassword() {
        assertThat(BasicAuthorization.userPart("Basic c2tfdGVzdF9zZWNyZXQ6")).contains("sk_test_secret");
    }

    @Test
    void alphabetsDifferWhereTheBytesNeedIt() {
        // "acme>>:" is "YWNtZT4+Og==" standard and "YWNtZT4-Og" URL-safe unpadded; "x>?:" has a '/' / '_'.
        assertThat(BasicAuthorization.userPart("Basic YWNtZT4+Og==")).contains("acme>>");
        assertThat(BasicAuthorization.userPart("Basic YWNtZT4-Og")).contains("acme>>");
        assertThat(BasicAuthorization.userPart("Basic YWNtZT4 Og==")).as("'+' read as a space").contains("acme>>");
        assertThat(BasicAuthorization.userPart("Basic eD4/Og==")).contains("x>?");
        assertThat(BasicAuthorization.userPart("Basic eD4_Og")).contains("x>?");
    }

    @Test
    void browserPercentEncodingIsDecoded() {
        assertThat(BasicAuthorization.userPart(basic("acme%20corp%2Feu"))).contains("acme corp/eu");
        assertThat(BasicAuthorization.userPart(basic("t%C3%A9st"))).contains("tést");
        assertThat(BasicAuthorization.userPart(basic("a%2Bb"))).contains("a+b");
    }

    @Test
    void literalPlusStaysPlusEvenNextToPercentEscapes() {
        assertThat(BasicAuthorization.userPart(basic("a+b"))).contains("a+b");
        assertThat(BasicAuthorization.userPart(basic("a+b%20c"))).contains("a+b c");
    }

    @Test
    void nonAsciiTenantIdInUtf8Decodes() {
        assertThat(BasicAuthorization.userPart(basic("tenant-été:"))).contains("tenant-été");
    }

    @Test
    void everythingFromTheFirstColonIsCut() {
        assertThat(BasicAuthorization.userPart(basic("tenant:password"))).contains("tenant");
        assertThat(BasicAuthorization.userPart(basic("tenant:a:b"))).contains("tenant");
        assertThat(BasicAuthorization.userPart(basic("tenant%3Arest"))).as("percent-decoded before the cut").contains("tenant");
    }

    @Test
    void schemeIsCaseInsensitiveAndExtraSpacesAreTolerated() {
        assertThat(BasicAuthorization.userPart("basic dGVuYW50LTEyMzo=")).contains("tenant-123");
        assertThat(BasicAuthorization.userPart("BASIC dGVuYW50LTEyMzo=")).contains("tenant-123");
        assertThat(BasicAuthorization.userPart("Basic   dGVuYW50LTEyMzo=")).contains("tenant-123");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Basic", "Basic ", "Basic  ", "Bearer dGVuYW50LTEyMzo=", "Digest dGVuYW50LTEyMzo=",
        "BasicdGVuYW50LTEyMzo=", "dGVuYW50LTEyMzo=", "Basic !!!!", "Basic Y", "Basic Og==", "Basic OnNlY3JldA==",
        "Basic //79", "Basic JXp6", "Basic JQ=="})
    void missingWrongSchemeGarbageEmptyUserOrBrokenEscapesGiveNothing(String header) {
        // "Og==" is ":", "OnNlY3JldA==" is ":secret", "//79" is not UTF-8, "JXp6" is "%zz", "JQ==" is "%".
        assertThat(BasicAuthorization.userPart(header)).isEmpty();
    }

    @Test
    void isBasicLooksOnlyAtTheScheme() {
        assertThat(BasicAuthorization.isBasic("Basic x")).isTrue();
        assertThat(BasicAuthorization.isBasic("basic x")).isTrue();
        assertThat(BasicAuthorization.isBasic("Bearer x")).isFalse();
        assertThat(BasicAuthorization.isBasic(null)).isFalse();
    }

    private static String basic(String text) {
        return "Basic " + Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
    }
}
