package dev.countersign.local.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTableTest {

    private final RouteTable routes = RouteTable.load();

    @ParameterizedTest
    @CsvSource({
        "/v1/client/user-authenticators/push, credential-service",
        "/v1/client/user-authenticators/push/remove, credential-service",
        "/v1/client/user-authenticators/push/sign, credential-service",
        "/v1/client/user-authenticators/device, credential-service",
        "/v1/client/user-authenticators/push/challenge, challenge-service",
        "/v1/client/user-authenticators/push/challenge/sign, challenge-service",
        "/v1/client/user-authenticators/qr-code/challenge/claim, challenge-service",
        "/v1/client/user-authenticators/device/challenge/claim, challenge-service",
        "/v1/client/challenge, challenge-service",
        "/v1/client/challenge/qr-code, challenge-service",
        "/v1/client/verify/in-app, challenge-service",
        "/v1/users/u1/actions/signIn, challenge-service",
        "/v1/users/u1/actions/signIn/key-1, challenge-service",
        "/v1/users/u1/authenticators, credential-service",
        "/v1/users/u1/authenticators/ua-1, credential-service",
        "/v1/validate, challenge-service",
        "/ws-v1-challenge, notifier-service",
        "/kiosk, notifier-service",
        "/kiosk/qr.svg, notifier-service",
    })
    void publicPathGoesToItsService(String path, String service) {
        assertThat(routes.serviceFor(path)).contains(service);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/v1", "/v1/validatex", "/q/health/ready", "/q/metrics",
        "/internal/v1/credentials", "/v1/client/user-authenticatorsx", "/ws-v1-challengex", "/kioskx"})
    void privateOrUnknownPathIsNotRouted(String path) {
        assertThat(routes.serviceFor(path)).isEmpty();
    }

    @Test
    void everyRouteSampleReachesItsOwnService() {
        assertThat(routes.routes()).isNotEmpty().allSatisfy(
                route -> assertThat(routes.serviceFor(route.samplePath())).contains(route.service()));
        assertThat(routes.services()).containsExactlyInAnyOrder(
                "credential-service", "challenge-service", "notifier-service");
    }
}
