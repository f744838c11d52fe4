package dev.countersign.credential.service;

import dev.countersign.credential.Credential;

/** The outcome of an add: the credential, and whether this call created it (or found it enrolled). */
public record Enrolment(Credential credential, boolean created, boolean pushTokenChanged) {

    public Enrolment(Credential credential, boolean created) {
        this(credential, created, false);
    }
}
