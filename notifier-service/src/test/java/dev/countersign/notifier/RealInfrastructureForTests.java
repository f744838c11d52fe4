package dev.countersign.notifier;

import dev.countersign.testkit.RealInfrastructure;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Every {@code @QuarkusTest} of this module runs on the real servers, started once for the run, with
 * the test tenant's webhook pointed at {@link WebhookReceiver} and the APNs / FCM channels at the
 * servers {@link ChannelDeliveryTest} starts ({@link PushProvidersConfig}), and challenge-service's QR
 * endpoints at {@link ChallengeServiceStub}.
 */
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = WebhookReceiverConfig.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PushProvidersConfig.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ChallengeServiceStub.Config.class, scope = TestResourceScope.GLOBAL)
public final class RealInfrastructureForTests {

    private RealInfrastructureForTests() {
    }
}
