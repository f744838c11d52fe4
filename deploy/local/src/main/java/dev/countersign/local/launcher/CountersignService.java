package dev.countersign.local.launcher;

import java.nio.file.Path;

/** The three services as the launcher starts them: from their packaged Quarkus applications. */
public enum CountersignService {
    CREDENTIAL("credential-service"),
    CHALLENGE("challenge-service"),
    NOTIFIER("notifier-service");

    private final String serviceName;

    CountersignService(String serviceName) {
        this.serviceName = serviceName;
    }

    /** The name used in routes.yaml, in {@code X-Countersign-Service} and as the Maven module. */
    public String serviceName() {
        return serviceName;
    }

    public Path jar(Path projectRoot) {
        return projectRoot.resolve(serviceName).resolve("target/quarkus-app/quarkus-run.jar");
    }
}
