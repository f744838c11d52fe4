package dev.countersign.challenge;

import static dev.countersign.challenge.ActionResourceTest.server;
import static dev.countersign.challenge.ActionResourceTest.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.countersign.challenge.PushChallengeTest.CodeChallenge;
import dev.countersign.challenge.PushChallengeTest.Tracked;
import dev.countersign.challenge.replica.KeyReplica;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.SimulatedDevice;
import dev.countersign.testkit.AuditLog;
import dev.countersign.testkit.TestTenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * challenge-service's audit records (docs/observability.md#audit-trail) for real push flows: each
 * end a transition script decided (approved, superseded, rejected, burned), the back-off refusal and
 * refused calls — with their fields and none of the tokens, codes or signatures the flows used.
 */
@QuarkusTest
class AuditTrailTest {

    @Inject
    KeyReplica replica;

    @Inject
    RedisDataSource redis;

    @Test
    void challengeEndsLimitHitsAndRefusalsAreAuditedOnceWithoutAnySecret() {
        PushChallengeTest push = PushChallengeTest.on(replica, redis);
        SimulatedDevice phone = PushChallengeTest.device(DeviceProfile.ANDROID_3_8);
        String userId = user();
        String credentialId = push.enrol(userId, phone).get(0);
        String browser = "198.51.100." + (1 + (int) (Math.random() * 250));
        String wrongSecretKey = "sk_test_wrong_" + UUID.randomUUID();
        List<String> secrets = new ArrayList<>(List.of(wrongSecretKey, TestTenants.SECRET_KEY));
        try (AuditLog audit = AuditLog.capture()) {
            Tracked approvedAction = push.track(userId);
            String approved = PushChallengeTest.initiate(approvedAction);
            assertThat(phone.updateChallenge(PushChallengeTest.PUSH, approved, true, null).status()).isEqualTo(200);
            // Answered already: refused by the script, so no second record.
            assertThat(phone.updateChallenge(PushChallengeTest.PUSH, approved, true, null).status()).isEqualTo(409);

            Tracked firstAction = push.track(userId);
            String superseded = PushChallengeTest.initiate(firstAction);
            Tracked secondAction = push.track(userId);
            String rejected = PushChallengeTest.initiate(secondAction);
            String forged = phone.sign(PushChallengeTest.PUSH, "another challenge");
            assertThat(phone.updateChallengeWithSignature(PushChallengeTest.PUSH, rejected, true, null, forged).status())
                    .isEqualTo(401);
            assertThat(phone.updateChallenge(PushChallengeTest.PUSH, rejected, false, null).status()).isEqualTo(200);
            Tracked refusedAction = push.track(userId);
            given().header("Authorization", "Bearer " + refusedAction.token()).header("X-Forwarded-For", browser)
                    .contentType(ContentType.JSON).body(Map.of("action", "signIn"))
                    .post("/v1/client/challenge/push").then().statusCode(429);

            CodeChallenge burned = push.codeChallenge(DeviceProfile.IOS_2_7);
            List<String> choices = new ArrayList<>();
            burned.phone().getPushChallenge().json().get("verificationCodeChoices").forEach(c -> choices.add(c.asText()));
            String wrongChoice = choices.stream().filter(c -> !c.equals(burned.tracked().verificationCode()))
                    .findFirst().orElseThrow();
            assertThat(burned.phone().updateChallenge(PushChallengeTest.PUSH, burned.challengeId(), true, wrongChoice)
                    .status()).isEqualTo(410);

            String garbageToken = "not-a-token-" + UUID.randomUUID();
            PushChallengeTest.poll(garbageToken, approved).statusCode(401);
            server(wrongSecretKey).get("/v1/users/{userId}/actions", userId).then().statusCode(401);

            List<AuditLog.Entry> ofUser = audit.matching(e -> userId.equals(e.field("user")));
            assertThat(ofUser).extracting(AuditLog.Entry::event).containsExactly("challenge.approved",
                    "challenge.superseded", "challenge.rejected", "limit.hit");
            assertThat(ofUser.subList(0, 3)).extracting(e -> e.field("challengeId"))
                    .containsExactly(approved, superseded, rejected);
            assertThat(ofUser.get(0).fields()).containsEntry("tenant", TestTenants.TENANT_ID)
                    .containsEntry("credentialId", credentialId).containsEntry("method", "push")
                    .containsEntry("outcome", "approved");
            assertThat(ofUser.get(0).field("clientAddress")).isNotBlank();
            assertThat(ofUser.get(1).fields()).containsEntry("outcome", "superseded").containsEntry("method", "push");
            assertThat(ofUser.get(2).fields()).containsEntry("outcome", "rejected").containsEntry("credentialId", credentialId);
            assertThat(ofUser.get(3).fields()).containsEntry("method", "push").containsEntry("reason", "backoff")
                    .containsEntry("clientAddress", browser).doesNotContainKey("challengeId");
            assertThat(ofUser.get(3).message()).startsWith("event=limit.hit tenant=" + TestTenants.TENANT_ID + " user=" + userId);

            assertThat(audit.matching(e -> burned.tracked().userId().equals(e.field("user"))))
                    .singleElement().satisfies(e -> assertThat(e.fields()).containsEntry("event", "challenge.burned")
                            .containsEntry("challengeId", burned.challengeId()).containsEntry("outcome", "burned"));

            assertThat(audit.matching(e -> "auth.failed".equals(e.event()) && "bad_signature".equals(e.field("reason"))))
                    .singleElement().satisfies(e -> assertThat(e.fields()).containsEntry("tenant", TestTenants.TENANT_ID));
            assertThat(audit.matching(e -> "auth.failed".equals(e.event()) && "bad_token".equals(e.field("reason"))
                    && "POST /v1/client/verify/push".equals(e.field("request")))).hasSize(1);
            assertThat(audit.matching(e -> "auth.failed".equals(e.event())
                    && ("GET /v1/users/" + userId + "/actions").equals(e.field("request"))))
                    .singleElement().satisfies(e -> assertThat(e.field("reason")).isEqualTo("bad_secret_key"));

            secrets.addAll(List.of(approvedAction.token(), firstAction.token(), secondAction.token(),
                    refusedAction.token(), burned.tracked().token(), garbageToken, forged));
            for (String secret : secrets) {
                assertThat(audit.mentioning(secret)).as("records mentioning %s", secret).isEmpty();
            }
        }
    }
}
