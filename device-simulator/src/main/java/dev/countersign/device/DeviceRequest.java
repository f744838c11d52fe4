package dev.countersign.device;

import java.net.URI;
import java.util.Map;

/** A request as the device sent it: for assertions on the exact wire form. {@code body} is null for a GET. */
public record DeviceRequest(String method, URI uri, Map<String, String> headers, String body) {

    public DeviceRequest {
        headers = Map.copyOf(headers);
    }

    public String header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }
}
