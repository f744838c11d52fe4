package dev.countersign.common.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A body without {@code Content-Type} is JSON: the Node SDK (axios) sends track without body and
 * without the header when no attributes are given, and that must not be 415. A declared other
 * type is still refused.
 */
public class JsonByDefault {

    @ServerRequestFilter(preMatching = true)
    public void assumeJson(ContainerRequestContext request) {
        String method = request.getMethod();
        boolean mayHaveBody = "POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method);
        if (mayHaveBody && request.getHeaderString(HttpHeaders.CONTENT_TYPE) == null) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }
}
