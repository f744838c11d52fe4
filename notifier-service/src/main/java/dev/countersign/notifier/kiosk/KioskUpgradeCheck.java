package dev.countersign.notifier.kiosk;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.mutiny.Uni;

/**
 * Hands the {@link KioskHandshake.Admission} its route left in the request's context to the
 * connection: only an upgrade check can write the user data a connection starts with. The checks
 * themselves are {@link KioskHandshake}'s, which refuses with the JSON error body. A handshake that
 * reaches the endpoint without an admission (the guard route did not run) is refused rather than
 * served anonymously.
 */
@ApplicationScoped
public class KioskUpgradeCheck implements HttpUpgradeCheck {

    /** The proven identity; the connection's user data starts with it. */
    public static final UserData.TypedKey<KioskClient> CLIENT = new UserData.TypedKey<>("countersign.kiosk.client");
    /** The socket's place in its client address's count; released when the socket closes. */
    public static final UserData.TypedKey<SocketsPerAddress.Slot> SLOT = new UserData.TypedKey<>("countersign.kiosk.slot");

    @Override
    public boolean appliesTo(String endpointId) {
        return endpointId.equals(KioskSocket.class.getName());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        KioskHandshake.Admission admission = ContextLocals.<KioskHandshake.Admission>get(KioskHandshake.ADMISSION).orElse(null);
        if (admission == null) {
            return CheckResult.rejectUpgrade(401);
        }
        // Taken once: the slot belongs to this one connection.
        ContextLocals.remove(KioskHandshake.ADMISSION);
        context.userData().put(CLIENT, admission.client());
        admission.slot().ifPresent(slot -> context.userData().put(SLOT, slot));
        return CheckResult.permitUpgrade();
    }
}
