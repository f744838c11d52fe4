package dev.countersign.challenge.action;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.countersign.common.tenant.Tenant;

class ActionStatesConfigTest {

    private static List<Tenant> tenant(Map<String, String> actionStates) {
        return List.of(new Tenant("t", new byte[32], List.of(), actionStates));
    }

    @Test
    void trackOutcomesAreAccepted() {
        assertThatCode(() -> ActionService.requireValidActionStates(
                tenant(Map.of("signIn", "ALLOW", "payment", "BLOCK", "reset_pw", "CHALLENGE_REQUIRED"))))
                .doesNotThrowAnyException();
    }

    @Test
    void stateThatIsNoTrackOutcomeStopsStartup() {
        assertThatThrownBy(() -> ActionService.requireValidActionStates(tenant(Map.of("signIn", "CHALLENGE_SUCCEEDED"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("signIn");
        assertThatThrownBy(() -> ActionService.requireValidActionStates(tenant(Map.of("signIn", "allow"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void actionCodeOutsideTheRuleStopsStartup() {
        assertThatThrownBy(() -> ActionService.requireValidActionStates(tenant(Map.of("sign.in", "BLOCK"))))
                .isInstanceOf(IllegalStateException.class);
    }
}
