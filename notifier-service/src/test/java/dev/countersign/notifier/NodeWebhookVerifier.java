package dev.countersign.notifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code compat/tools/verify-webhook.mjs}: the real {@code @authsignal/node}
 * {@code webhook.constructEvent} judges a captured webhook. Installs compat/ from its lockfile
 * first if needed. The secret goes through the environment, never the command line.
 */
final class NodeWebhookVerifier {

    record Verdict(int exitCode, String output) {
    }

    private static final Path COMPAT = Path.of("..", "compat").toAbsolutePath().normalize();

    private NodeWebhookVerifier() {
    }

    static Verdict verify(byte[] rawBody, String signatureHeader, String secretKey) {
        installIfMissing();
        ProcessBuilder builder = new ProcessBuilder(List.of("node", "tools/verify-webhook.mjs"))
                .directory(COMPAT.toFile())
                .redirectErrorStream(true);
        builder.environment().put("WEBHOOK_SIGNATURE", signatureHeader);
        builder.environment().put("AUTHSIGNAL_SECRET_KEY", secretKey);
        return run(builder, rawBody, 60);
    }

    private static synchronized void installIfMissing() {
        if (Files.isDirectory(COMPAT.resolve("node_modules/@authsignal/node"))) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund"))
                .directory(COMPAT.toFile())
                .redirectErrorStream(true);
        builder.environment().put("npm_config_update_notifier", "false");
        Verdict install = run(builder, new byte[0], 300);
        if (install.exitCode() != 0) {
            throw new AssertionError("npm ci in " + COMPAT + " failed:\n" + install.output());
        }
    }

    private static Verdict run(ProcessBuilder builder, byte[] stdin, int timeoutSeconds) {
        try {
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                in.write(stdin);
            }
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(builder.command() + " timed out");
            }
            return new Verdict(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + builder.command() + " (Node 20+ and npm must be on the PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
