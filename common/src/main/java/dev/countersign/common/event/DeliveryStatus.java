package dev.countersign.common.event;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code status} of a {@link DeliveryEvent}, written in lower case ({@code sent}, {@code accepted}, …). */
public enum DeliveryStatus {

    /** APNs/FCM: handed to the provider, its answer pending. */
    SENT,
    /** The receiver or provider took it (2xx); delivery to the phone is up to the provider. */
    ACCEPTED,
    /** The provider refused this message or configuration; trying again will not help. */
    REJECTED,
    /** The device token is dead: credential-service clears it, nothing more is sent to it. */
    UNREGISTERED,
    /** Network error, timeout, throttling or an outage (with a reason): retried unless final. */
    FAILED;

    /** The value on the wire. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status of a wire value; null for one this version does not know, so the rest of the
     * record stays readable and each consumer decides what an unknown status means to it.
     */
    @JsonCreator
    public static DeliveryStatus fromWire(String value) {
        if (value == null) {
            return null;
        }
        for (DeliveryStatus status : values()) {
            if (status.wireName().equals(value)) {
                return status;
            }
        }
        return null;
    }
}
