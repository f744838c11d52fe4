package dev.countersign.testkit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.restassured.http.ContentType;

/**
 * Request bodies a client can send that no JSON reader should turn into a request
 * (docs/errors.md#input-rules): each about one field the route reads, so that a route which
 * skipped the check would act on it rather than refuse it for another reason.
 */
public final class BadJsonBodies {

    private BadJsonBodies() {
    }

    /** Bodies whose {@code field} is broken; {@code valid} is a value the route would accept there. */
    public static List<byte[]> about(String field, String valid) {
        String f = "\"" + field + "\"";
        String v = "\"" + valid + "\"";
        List<byte[]> bodies = new ArrayList<>();
        for (String body : List.of(
                "{" + f + ": " + v + ", " + f + ": " + v + "}",
                "{" + f + ": ",
                "{" + f + ": " + v,
                "{" + f + " " + v + "}",
                "{" + f + ": true}",
                "{" + f + ": {\"a\": 1}}",
                "{" + f + ": [" + v + "]}",
                "{" + f + ": 1e999}",
                "{" + f + ": " + "9".repeat(2000) + "}",
                "{" + f + ": " + "[".repeat(2000) + "]".repeat(2000) + "}",
                "{" + f + ": " + v + "} x",
                "{" + f + ": " + v + "} {}",
                "{" + f + ": \"\\u12\"}",
                "[]",
                v)) {
            bodies.add(body.getBytes(StandardCharsets.UTF_8));
        }
        // Not UTF-8: a cut two-byte sequence, bytes that never occur, an encoded surrogate.
        bodies.add(withBytes("{" + f + ": \"", new byte[] {(byte) 0xC3, 0x28}, "\"}"));
        bodies.add(withBytes("{" + f + ": \"", new byte[] {(byte) 0xFF, (byte) 0xFE}, "\"}"));
        bodies.add(withBytes("{" + f + ": \"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}"));
        return bodies;
    }

    /** Sends {@code body} and expects the JSON refusal 400 {@code invalid_request}. */
    public static void assertRefused(String method, String path, String authorization, byte[] body) {
        given().header("Authorization", authorization).contentType(ContentType.JSON).body(body)
                .when().request(method, path)
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("invalid_request"))
                .body("errorCode", equalTo("invalid_request"))
                .body("errorDescription", notNullValue());
    }

    private static byte[] withBytes(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
