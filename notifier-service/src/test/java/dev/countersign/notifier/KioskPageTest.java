package dev.countersign.notifier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The kiosk page's assets and its server-drawn QR code, decoded back with ZXing's reader. */
@QuarkusTest
class KioskPageTest {

    @Test
    void pageScriptAndStyleServedWithASameOriginPolicy() {
        given().when().get("/kiosk").then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .body(containsString("<script type=\"module\" src=\"/kiosk/kiosk.js\"></script>"));
        given().when().get("/kiosk/kiosk.js").then().statusCode(200)
                .contentType(containsString("text/javascript"))
                .body(containsString("x.authsignal.tenant."));
        given().when().get("/kiosk/kiosk.css").then().statusCode(200).contentType(containsString("text/css"));
    }

    @Test
    void qrCodeCarriesTheDeepLinkWithTheChallengeId() throws Exception {
        String challengeId = "0b7c5f0e-5a43-4c55-9d0c-6b8f1f0e2a11";
        String svg = given().queryParam("challengeId", challengeId).when().get("/kiosk/qr.svg")
                .then().statusCode(200).contentType("image/svg+xml").header("Cache-Control", "no-store")
                .extract().asString();
        // One pixel per module (37 modules of version 5 plus a 4-module quiet zone on each side):
        // the page scales it by a whole number.
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"45\" height=\"45\" viewBox=\"0 0 45 45\"");
        assertThat(QrSvg.decode(svg)).isEqualTo("countersign://qr-code?challengeId=" + challengeId);
    }

    @Test
    void qrCodeOfSomethingThatIsNoChallengeIdThenInvalidRequest() {
        for (String bad : new String[] {"", "a b", "<script>", "x".repeat(129)}) {
            given().queryParam("challengeId", bad).when().get("/kiosk/qr.svg")
                    .then().statusCode(400).contentType("application/json").body("error", equalTo("invalid_request"));
        }
        given().when().get("/kiosk/qr.svg").then().statusCode(400).body("error", equalTo("invalid_request"));
    }
}
