package dev.countersign.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.countersign.common.token.Scopes;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
class ConcurrentEnrolmentTest extends CredentialTestSupport {

    private static final int ROUNDS = 5;

    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    void twoIdenticalAddsAtOnceStoreOneCredentialAndBothAnswerIt() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String user = newUser();
            TestDeviceKey key = TestDeviceKey.generate();
            String token = trackToken(user);

            List<ExtractableResponse<Response>> answers = together(
                    () -> add("push", token, addBody(key)).extract(),
                    () -> add("push", token, addBody(key)).extract());

            assertThat(answers).extracting(ExtractableResponse::statusCode).containsExactly(200, 200);
            assertThat(answers.get(0).<String>path("userAuthenticatorId"))
                    .isEqualTo(answers.get(1).<String>path("userAuthenticatorId"));
            assertThat(rowsWithKey(key)).isEqualTo(1);
        }
    }

    @Test
    void twoUsersAddingTheSameKeyAtOnceStoreOneCredentialAndRefuseTheOther() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String first = newUser();
            String second = newUser();
            TestDeviceKey key = TestDeviceKey.generate();
            String firstToken = trackToken(first, Scopes.ADD_AUTHENTICATORS);
            String secondToken = trackToken(second, Scopes.ADD_AUTHENTICATORS);

            List<ExtractableResponse<Response>> answers = together(
                    () -> add("in-app", firstToken, addBody(key)).extract(),
                    () -> add("in-app", secondToken, addBody(key)).extract());

            assertThat(answers).extracting(ExtractableResponse::statusCode).containsExactlyInAnyOrder(200, 400);
            ExtractableResponse<Response> refused = answers.stream().filter(a -> a.statusCode() == 400).findFirst()
                    .orElseThrow();
            assertThat(refused.<String>path("error")).isEqualTo("invalid_request");
            assertThat(rowsWithKey(key)).isEqualTo(1);
            assertThat(rowsOf(first) + rowsOf(second)).isEqualTo(1);
        }
    }

    @Test
    void twoNewDevicesOfAUserWithoutAddScopeAtOnceEnrolOnlyOne() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String user = newUser();
            String token = trackToken(user, Scopes.READ_AUTHENTICATORS);

            List<ExtractableResponse<Response>> answers = together(
                    () -> add("push", token, addBody(TestDeviceKey.generate())).extract(),
                    () -> add("qr-code", token, addBody(TestDeviceKey.generate())).extract());

            assertThat(answers).extracting(ExtractableResponse::statusCode).containsExactlyInAnyOrder(200, 403);
            assertThat(rowsOf(user)).isEqualTo(1);
        }
    }

    /** Runs both calls from two threads released at the same instant. */
    private List<ExtractableResponse<Response>> together(Supplier<ExtractableResponse<Response>> a,
            Supplier<ExtractableResponse<Response>> b) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<ExtractableResponse<Response>> first = CompletableFuture.supplyAsync(() -> {
            await(start);
            return a.get();
        }, executor);
        CompletableFuture<ExtractableResponse<Response>> second = CompletableFuture.supplyAsync(() -> {
            await(start);
            return b.get();
        }, executor);
        return List.of(first.get(), second.get());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
