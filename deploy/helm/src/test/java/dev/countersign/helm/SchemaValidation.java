package dev.countersign.helm;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Strict validation of rendered manifests by deploy/helm/schema-check (Node): kubernetes-models'
 * validators for types, enums and required fields, plus a walk that reports every field the
 * Kubernetes schema does not declare. The npm project is installed from its lockfile once per run.
 */
final class SchemaValidation {

    record Result(int exitCode, String output) {
    }

    private static final Path PROJECT = Charts.SOURCE.resolve("schema-check");
    private static boolean installed;

    private SchemaValidation() {
    }

    static synchronized Result validate(List<JsonNode> documents) throws IOException, InterruptedException {
        if (!installed) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            if (install.exitCode() != 0) {
                throw new AssertionError("npm ci in " + PROJECT + " failed:\n" + install.output());
            }
            installed = true;
        }
        Path file = Files.createTempFile(Files.createDirectories(Charts.WORK), "documents-", ".json");
        Charts.JSON.writeValue(file.toFile(), documents);
        return run(List.of("node", "validate.mjs", file.toString()), 120);
    }

    private static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true);
        builder.environment().put("npm_config_update_notifier", "false");
        builder.environment().put("NO_COLOR", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("Cannot run " + command.get(0) + " (Node 20+ and npm must be on the PATH): " + e.getMessage(), e);
        }
        // The output is small (one line per problem); read it all, then wait.
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
