package dev.countersign.common.error;

import jakarta.ws.rs.WebApplicationException;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.countersign.common.http.RetryAfter;

/**
 * Turns every exception a REST endpoint can end with into the error model, so no service ever
 * answers with a framework page or a stack trace.
 */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        Response.ResponseBuilder response = json(e.code().status(), e.body());
        if (e.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, RetryAfter.format(e.retryAfter()));
        }
        return response.build();
    }

    /**
     * Malformed JSON, a wrong type, a trailing token: the request is at fault. Each Jackson type is
     * named, so these win over the framework's own mappers for the same types.
     */
    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return json(400, ErrorCode.INVALID_REQUEST.body(jsonProblem(e))).build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e) {
        return malformedJson((JsonProcessingException) e);
    }

    @ServerExceptionMapper
    public Response wrongJsonType(MismatchedInputException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper
    public Response wrongJsonValue(JsonMappingException e) {
        return malformedJson(e);
    }

    private static String jsonProblem(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().get(mapping.getPath().size() - 1).getFieldName();
            if (field != null) {
                return "Invalid value for field '" + field + "'";
            }
        }
        return "Malformed JSON body";
    }

    /** 404, 405, 406, 415 and friends raised by the REST layer itself. */
    @ServerExceptionMapper
    public Response webApplicationException(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ErrorCode code = ErrorCode.forStatus(status);
        if (status >= 500) {
            LOG.error("Request failed", e);
            return json(500, ErrorCode.SERVER_ERROR.body("Internal error")).build();
        }
        return json(status, code.body(describe(status))).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected failure", e);
        return json(500, ErrorCode.SERVER_ERROR.body("Internal error")).build();
    }

    static String describe(int status) {
        return switch (status) {
            case 404 -> "No such resource";
            case 405 -> "Method not allowed on this resource";
            case 406 -> "Only application/json responses are offered";
            case 413 -> "Request body too large";
            case 415 -> "Content-Type must be application/json";
            default -> "Request refused";
        };
    }

    private static Response.ResponseBuilder json(int status, ErrorBody body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    }
}
