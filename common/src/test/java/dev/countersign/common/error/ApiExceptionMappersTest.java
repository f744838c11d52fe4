package dev.countersign.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.sql.SQLException;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import org.junit.jupiter.api.Test;

class ApiExceptionMappersTest {

    private final ApiExceptionMappers mappers = new ApiExceptionMappers();

    private static ErrorBody body(Response response) {
        return (ErrorBody) response.getEntity();
    }

    @Test
    void databaseEncodingErrorsAreInvalidRequestWhereverTheyAreWrapped() {
        for (String state : new String[] {"22021", "22P05"}) {
            Response response = mappers.unexpected(new RuntimeException("orm",
                    new IllegalStateException("pool", new SQLException("invalid byte sequence", state))));
            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(body(response).errorCode()).isEqualTo("invalid_request");
        }
    }

    @Test
    void otherDatabaseErrorsStayServerErrors() {
        Response response = mappers.unexpected(new RuntimeException(new SQLException("deadlock", "40P01")));
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(body(response).errorCode()).isEqualTo("server_error");
    }

    @Test
    void unreachableServersAreServiceUnavailableWithRetryAfterWhereverTheyAreWrapped() {
        Throwable[] outages = {
            new RuntimeException("pool", new java.net.ConnectException("Connection refused")),
            new java.util.concurrent.CompletionException(new java.util.concurrent.TimeoutException()),
            new RuntimeException(new SQLException("the connection attempt failed", "08001")),
            new RuntimeException(new SQLException("terminating connection due to administrator command", "57P01")),
            new IllegalStateException("send", new org.apache.kafka.common.errors.TimeoutException("no ack")),
            new java.io.IOException("Connection reset by peer"),
            new java.nio.channels.ClosedChannelException(),
        };
        for (Throwable outage : outages) {
            Response response = mappers.unexpected(outage);
            assertThat(response.getStatus()).as(outage.toString()).isEqualTo(503);
            assertThat(body(response).errorCode()).isEqualTo("service_unavailable");
            assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
        }
        assertThat(Outages.down()).isTrue();
        Outages.recovered();
        assertThat(Outages.down()).isFalse();
    }

    @Test
    void bugsAndRequestFaultsAreNoOutage() {
        assertThat(Outages.isOutage(new IllegalStateException("no such field"))).isFalse();
        assertThat(Outages.isOutage(new java.io.IOException("Stream closed unexpectedly by the parser"))).isFalse();
        assertThat(Outages.isOutage(new RuntimeException(new SQLException("unique violation", "23505")))).isFalse();
        assertThat(Outages.isOutage(new org.apache.kafka.common.errors.SerializationException("bad value")))
                .isFalse();
        assertThat(mappers.unexpected(new NullPointerException()).getStatus()).isEqualTo(500);
    }

    @Test
    void everyServiceUnavailableSaysWhenToComeBack() {
        Response thrown = mappers.apiException(new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Lookup unavailable"));
        assertThat(thrown.getStatus()).isEqualTo(503);
        assertThat(thrown.getHeaderString("Retry-After")).isEqualTo("5");
        Response framework = mappers.webApplicationException(
                new jakarta.ws.rs.WebApplicationException(Response.status(503).build()));
        assertThat(framework.getStatus()).isEqualTo(503);
        assertThat(body(framework).errorCode()).isEqualTo("service_unavailable");
        assertThat(mappers.apiException(new ApiException(ErrorCode.NOT_FOUND, "none")).getHeaderString("Retry-After"))
                .isNull();
    }

    @Test
    void invalidDefinitionWhileReadingIsTheRequestsFaultAndWhileWritingOurs() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JavaType type = json.constructType(String.class);
        InvalidDefinitionException reading = InvalidDefinitionException.from(
                new JsonFactory().createParser("{}"), "creator property twice", type);
        InvalidDefinitionException writing = InvalidDefinitionException.from(
                new JsonFactory().createGenerator(new StringWriter()), "no serializer", type);

        Response refused = mappers.invalidJsonDefinition(reading);
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(body(refused).errorCode()).isEqualTo("invalid_request");
        assertThat(mappers.invalidJsonDefinition(writing).getStatus()).isEqualTo(500);
    }
}
