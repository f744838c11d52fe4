package dev.countersign.common.error;

import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.countersign.common.audit.Audit;
import dev.countersign.common.auth.Caller;
import dev.countersign.common.auth.CurrentCaller;
import dev.countersign.common.http.RetryAfter;
import dev.countersign.common.token.TokenClaims;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;

/**
 * Turns every exception a REST endpoint can end with into the error model, so no service ever
 * answers with a framework page or a stack trace.
 */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    /**
     * PostgreSQL's "character not in repertoire" (a NUL in text) and "untranslatable character"
     * (an escaped NUL in jsonb): text the client sent that the database cannot hold.
     */
    private static final Set<String> ENCODING_SQL_STATES = Set.of("22021", "22P05");

    @ServerExceptionMapper
    public Response apiException(ApiException e, ContainerRequestContext request) {
        int status = e.code().status();
        if (status == 401 || status == 403) {
            auditRefusal(e, request);
        }
        return apiException(e);
    }

    /**
     * The single place every REST 401 and 403 passes: an {@code auth.failed} audit record with the
     * thrower's reason (or the error code), the caller's tenant and user once authenticated, and
     * the request line without its query.
     */
    static void auditRefusal(ApiException e, ContainerRequestContext request) {
        Audit.Entry entry = Audit.authFailed(e);
        currentCaller().ifPresent(caller -> entry.tenant(caller.tenantId())
                .user(caller.token().map(TokenClaims::userId).orElse(null)));
        if (request != null) {
            entry.request(request.getMethod(), request.getUriInfo().getRequestUri().getRawPath());
        }
        entry.write();
    }

    private static Optional<Caller> currentCaller() {
        ArcContainer container = Arc.container();
        if (container == null || !container.requestContext().isActive()) {
            return Optional.empty();
        }
        return container.instance(CurrentCaller.class).get().find();
    }

    public Response apiException(ApiException e) {
        Response.ResponseBuilder response = json(e.code().status(), e.body());
        // Every 503 says when to come back, also where the thrower named no wait.
        java.time.Duration retryAfter = e.retryAfter() == null && e.code() == ErrorCode.SERVICE_UNAVAILABLE
                ? Outages.RETRY_AFTER : e.retryAfter();
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, RetryAfter.format(retryAfter));
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

    /**
     * Thrown while reading a body it is the request's fault (e.g. a creator property given twice, if
     * anything slips past duplicate detection); while writing one it is ours. Named so that it wins
     * over the framework's own mapper, which answers 500 with no body.
     */
    @ServerExceptionMapper
    public Response invalidJsonDefinition(InvalidDefinitionException e) {
        if (e.getProcessor() instanceof JsonParser) {
            return malformedJson(e);
        }
        return unexpected(e);
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
        if (status == 503) {
            return apiException(new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Service unavailable; try again"));
        }
        if (status >= 500) {
            LOG.error("Request failed", e);
            return json(500, ErrorCode.SERVER_ERROR.body("Internal error")).build();
        }
        return json(status, code.body(describe(status))).build();
    }

    /**
     * Anything else is a bug (500), unless a server behind this one was unreachable or too slow:
     * that is 503 with {@code Retry-After}, logged once per outage rather than once per request.
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (Outages.isOutage(e)) {
            Outages.failed(e);
            return apiException(Outages.unavailable());
        }
        if (isEncodingError(e)) {
            LOG.debug("Text the database cannot store", e);
            return json(400, ErrorCode.INVALID_REQUEST.body("The request holds characters that cannot be stored")).build();
        }
        LOG.error("Unexpected failure", e);
        return json(500, ErrorCode.SERVER_ERROR.body("Internal error")).build();
    }

    /** Walks the causes: the ORM wraps the driver's SQLException in its own exception types. */
    static boolean isEncodingError(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && ENCODING_SQL_STATES.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
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
