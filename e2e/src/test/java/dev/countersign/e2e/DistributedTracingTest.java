package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.testkit.TraceIds;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;

/**
 * One push approval is one trace (docs/observability.md#tracing). The backend, the browser and the
 * phone send the same {@code traceparent} on each of their calls — one client-side span standing for
 * the sign-in — and everything the services do for it continues that trace: each call's server span
 * in challenge-service, the events it publishes through its outbox, notifier-service's consumer of
 * {@code push.requested} and its delivery, credential-service's consumer of the approval, and any
 * call between the services (client span parenting the callee's server span).
 */
@ExtendWith(RunningStack.class)
class DistributedTracingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Set<String> SERVICES = Set.of("challenge-service", "credential-service", "notifier-service");

    @Test
    void onePushApprovalFromTrackToValidateIsOneTraceAcrossTheThreeServices(CountersignStack stack,
            OtlpReceiver receiver) {
        ServerApi backend = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "user-" + UUID.randomUUID();
        SimulatedDevice plain = SimulatedDevice.create(DeviceProfile.values()[0], stack.baseUrl(), stack.tenantId());
        ServerApi.Answer enrolToken = backend.track(user, "enrol", "{\"scope\":\"add:authenticators\"}");
        DeviceResponse added = plain.addCredential(CredentialKind.PUSH, enrolToken.text("token"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        String credentialId = added.text("userAuthenticatorId");

        String traceId = TraceIds.traceId();
        String clientSpan = TraceIds.spanId();
        String traceparent = "00-" + traceId + "-" + clientSpan + "-01";
        ServerApi tracedBackend = backend.withHeader("traceparent", traceparent);
        SimulatedDevice phone = plain.withHeader("traceparent", traceparent);

        ServerApi.Answer tracked = tracedBackend.track(user, "signIn", "{}");
        assertThat(tracked.status()).as("%s", tracked).isEqualTo(200);
        BrowserClient browser = new BrowserClient(stack.baseUrl(), tracked.text("token"))
                .withHeader("traceparent", traceparent);
        BrowserClient.Answer started = browser.challengePush("signIn");
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        String challengeId = started.text("challengeId");
        await().atMost(PATIENCE).until(() -> challengeId.equals(phone.getPushChallenge().text("challengeId")));
        DeviceResponse approved = phone.updateChallenge(CredentialKind.PUSH, challengeId, true, null);
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        BrowserClient.Answer verified = browser.verifyPush(challengeId);
        assertThat(verified.flag("isVerified")).as("%s", verified).isTrue();
        ServerApi.Answer validated = tracedBackend.validate(verified.text("accessToken"));
        assertThat(validated.json().path("isValid").asBoolean(false)).as("%s", validated).isTrue();
        // credential-service took the approval from challenge-events.
        await().atMost(PATIENCE).until(() -> plain.getCredential(CredentialKind.PUSH).text("lastVerifiedAt") != null);

        // Spans arrive in batches, a parent possibly after its children: the whole trace is awaited.
        await().atMost(PATIENCE).untilAsserted(() -> assertOneTrace(receiver.trace(traceId), receiver, clientSpan));
    }

    private static void assertOneTrace(List<OtlpReceiver.Span> spans, OtlpReceiver receiver, String clientSpan) {
        assertThat(spans).extracting(OtlpReceiver.Span::service).as("%s of %s", spans, receiver).containsAll(SERVICES);
        assertThat(spans).as("%s", spans).anyMatch(s -> s.service().equals("credential-service") && s.kind() == SpanKind.SPAN_KIND_CONSUMER);
        Map<String, OtlpReceiver.Span> byId = spans.stream()
                .collect(Collectors.toMap(OtlpReceiver.Span::spanId, Function.identity(), (a, b) -> a));

        // The clients' calls: server spans of challenge-service under the client's span.
        List<OtlpReceiver.Span> calls = spans.stream().filter(s -> s.parentSpanId().equals(clientSpan)).toList();
        assertThat(calls).as("%s", spans)
                .allMatch(s -> s.kind() == SpanKind.SPAN_KIND_SERVER && s.service().equals("challenge-service"))
                .extracting(OtlpReceiver.Span::name).contains("POST /v1/users/{userId}/actions/{action}",
                        "POST /v1/client/challenge/push", "GET /v1/client/user-authenticators/push/challenge",
                        "POST /v1/client/user-authenticators/push/challenge", "POST /v1/client/verify/push",
                        "POST /v1/validate");
        // Every consumer's parent is the producer span of another service: the record carried the context.
        List<OtlpReceiver.Span> consumers = spans.stream().filter(s -> s.kind() == SpanKind.SPAN_KIND_CONSUMER).toList();
        assertThat(consumers).as("%s", spans).allSatisfy(consumer -> {
            OtlpReceiver.Span parent = byId.get(consumer.parentSpanId());
            assertThat(parent).as("parent of %s in %s", consumer, spans).isNotNull();
            assertThat(parent.kind()).as("parent of %s", consumer).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
            assertThat(parent.service()).as("parent of %s", consumer).isNotEqualTo(consumer.service());
        });
        assertThat(consumers).as("%s", spans).anySatisfy(consumer -> {
            assertThat(consumer.service()).isEqualTo("notifier-service");
            assertThat(byId.get(consumer.parentSpanId()).service()).isEqualTo("challenge-service");
        });
        // A server span not under the clients' span was called by another service: its client span.
        List<OtlpReceiver.Span> internal = spans.stream()
                .filter(s -> s.kind() == SpanKind.SPAN_KIND_SERVER && !s.parentSpanId().equals(clientSpan)).toList();
        assertThat(internal).as("%s", spans).allSatisfy(server -> {
            OtlpReceiver.Span parent = byId.get(server.parentSpanId());
            assertThat(parent).as("parent of %s in %s", server, spans).isNotNull();
            assertThat(parent.kind()).as("parent of %s", server).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
            assertThat(parent.service()).as("parent of %s", server).isNotEqualTo(server.service());
        });
    }
}
