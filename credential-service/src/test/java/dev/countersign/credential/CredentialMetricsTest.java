package dev.countersign.credential;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.countersign.common.token.Scopes;
import dev.countersign.credential.metrics.OutboxBacklog;
import dev.countersign.testkit.Metrics;
import dev.countersign.testkit.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The domain metrics on the management port count committed changes, once: read before and after,
 * as counters live as long as the JVM (docs/observability.md).
 */
@QuarkusTest
class CredentialMetricsTest extends CredentialTestSupport {

    @Inject
    OutboxBacklog backlog;

    @Test
    void enrolmentsAndRemovalsAreCountedByKindAndAReEnrolmentIsNot() {
        String user = newUser();
        TestDeviceKey push = TestDeviceKey.generate();
        TestDeviceKey inApp = TestDeviceKey.generate();
        Metrics before = Metrics.scrape();

        String pushId = enrol("push", user, push);
        // The same key again answers the credential already enrolled: nothing new.
        add("push", trackToken(user, Scopes.ADD_AUTHENTICATORS), addBody(push)).statusCode(200);
        add("in-app", trackToken(user, Scopes.ADD_AUTHENTICATORS), addBody(inApp)).statusCode(200);
        freezeMidWindow();
        remove("in-app", inApp, inApp.signWindow(window())).statusCode(200);
        remove("in-app", inApp, inApp.signWindow(window())).statusCode(404);
        given().header("Authorization", TestTenants.serverAuthorization(TestTenants.SECRET_KEY))
                .delete("/v1/users/" + user + "/authenticators/" + pushId).then().statusCode(200);

        Metrics after = Metrics.scrape();
        assertThat(after.since(before, "countersign_credentials_added_total", "kind", "push")).isEqualTo(1);
        assertThat(after.since(before, "countersign_credentials_added_total", "kind", "in-app")).isEqualTo(1);
        assertThat(after.since(before, "countersign_credentials_removed_total", "kind", "push")).isEqualTo(1);
        assertThat(after.since(before, "countersign_credentials_removed_total", "kind", "in-app")).isEqualTo(1);
        assertThat(after.since(before, "countersign_credentials_added_total", "kind", "qr-code")).isZero();
    }

    @Test
    void theOutboxBacklogIsExposedAsGauges() {
        backlog.read().await().indefinitely();
        Metrics metrics = Metrics.scrape();
        assertThat(metrics.exposes("countersign_credential_outbox_backlog")).isTrue();
        assertThat(metrics.exposes("countersign_credential_outbox_oldest_age_seconds")).isTrue();
        assertThat(metrics.value("countersign_credential_outbox_backlog")).isNotNaN().isNotNegative();
        assertThat(metrics.value("countersign_credential_outbox_oldest_age_seconds")).isNotNaN().isNotNegative();
    }
}
