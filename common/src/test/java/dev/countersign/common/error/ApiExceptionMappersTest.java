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
