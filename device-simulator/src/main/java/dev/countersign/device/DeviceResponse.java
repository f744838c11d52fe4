package dev.countersign.device;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server's answer to one device call. {@code json} is the parsed body, or null when the body
 * is not JSON (which every SDK would treat as a failure). Success for the SDKs is only HTTP 200.
 */
public record DeviceResponse(int status, String body, JsonNode json, DeviceRequest request) {

    public boolean isSuccess() {
        return status == 200;
    }

    /** A text field of the JSON body, or null. */
    public String text(String field) {
        return json == null || !json.hasNonNull(field) ? null : json.get(field).asText();
    }

    @Override
    public String toString() {
        return request.method() + " " + request.uri() + " -> " + status + " " + body;
    }
}
