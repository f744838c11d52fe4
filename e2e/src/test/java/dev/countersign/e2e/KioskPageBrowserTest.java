package dev.countersign.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.ReaderException;
import com.google.zxing.Result;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.multi.qrcode.QRCodeMultiReader;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.local.launcher.CountersignStack;
import dev.countersign.device.DeviceProfile;
import dev.countersign.device.DeviceResponse;
import dev.countersign.device.SimulatedDevice;

/**
 * The kiosk page ({@code /kiosk}, served by notifier-service through the edge) in real headless
 * Chromium ({@code compat/tools/kiosk-page.mjs}, playwright-core): its QR code is decoded with
 * ZXing from the screenshot, a simulated phone claims the challenge it carries and approves it,
 * and the page shows {@code approved} with an access token that validates as the phone's user.
 * The screenshots stay in {@code target/kiosk-page/}.
 */
@ExtendWith(RunningStack.class)
class KioskPageBrowserTest {

    private static final Path COMPAT = Path.of(System.getProperty("countersign.project-root", "..")).resolve("compat");
    private static final Path SCREENSHOTS = Path.of("target", "kiosk-page").toAbsolutePath();

    @Test
    void qrCodeFromTheScreenshotClaimedAndApprovedThenThePageShowsApproved(CountersignStack stack) throws Exception {
        ensureInstalled();
        ServerApi server = new ServerApi(stack.baseUrl(), stack.secretKey());
        String user = "kiosk-page-user-" + UUID.randomUUID();
        SimulatedDevice phone = SimulatedDevice.create(DeviceProfile.IOS_2_7, stack.baseUrl(), stack.tenantId());
        DeviceResponse added = phone.addCredential(CredentialKind.QR_CODE,
                server.track(user, "enrol", "{\"scope\":\"add:authenticators\"}").text("token"));
        assertThat(added.status()).as("%s", added).isEqualTo(200);

        String url = "http://127.0.0.1:" + stack.edgePort() + "/kiosk?tenantId=" + stack.tenantId() + "&resultSeconds=60";
        ProcessBuilder builder = new ProcessBuilder("node", "tools/kiosk-page.mjs").directory(COMPAT.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(Map.of("KIOSK_URL", url, "SCREENSHOT_DIR", SCREENSHOTS.toString()));
        Process browser = builder.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    System.out.println("[kiosk-page] " + line);
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "kiosk-page-output");
        pump.start();
        try {
            String challengeId = expect(lines, "CHALLENGE ");
            Path screenshot = Path.of(expect(lines, "SCREENSHOT "));
            String payload = decodeQr(screenshot);
            assertThat(payload).isEqualTo("countersign://qr-code?challengeId=" + challengeId);

            // The phone knows only what it scanned.
            String scanned = URI.create(payload).getQuery().substring("challengeId=".length());
            DeviceResponse claimed = phone.claimQrChallenge(scanned);
            assertThat(claimed.status()).as("%s", claimed).isEqualTo(200);
            assertThat(claimed.text("actionCode")).isEqualTo("kioskLogin");
            assertThat(expect(lines, "STATE ")).isEqualTo("claimed");
            Path blurred = Path.of(expect(lines, "SCREENSHOT "));
            // Claimed: the code on screen is blurred past reading, so no second phone scans it.
            assertThatThrownBy(() -> decodeQr(blurred)).isInstanceOf(ReaderException.class);

            assertThat(phone.updateChallenge(CredentialKind.QR_CODE, scanned, true, null).status()).isEqualTo(200);
            assertThat(expect(lines, "STATE ")).isEqualTo("approved");
            String token = expect(lines, "TOKEN ");
            Path outcome = Path.of(expect(lines, "SCREENSHOT "));
            // The used code has left the screen.
            assertThatThrownBy(() -> decodeQr(outcome)).isInstanceOf(ReaderException.class);
            ServerApi.Answer validated = server.validate(token);
            assertThat(validated.json().path("isValid").asBoolean()).as("%s", validated).isTrue();
            assertThat(validated.text("userId")).isEqualTo(user);

            assertThat(browser.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(browser.exitValue()).isZero();
        } finally {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
        }
    }

    /**
     * Decodes the QR code in a screenshot, as a phone's camera would (the whole page, not a crop).
     * The multi reader weighs every finder-pattern candidate: the single reader gives up on about
     * one clean code in 150 when its data modules happen to form a finder-like pattern.
     */
    private static String decodeQr(Path screenshot) throws Exception {
        BufferedImage image = ImageIO.read(screenshot.toFile());
        Result[] found = new QRCodeMultiReader().decodeMultiple(
                new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
                Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE));
        assertThat(found).as("QR codes on the page").hasSize(1);
        return found[0].getText();
    }

    private static String expect(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
            skipped.add(line);
        }
        throw new AssertionError("No '" + prefix + "' line from kiosk-page.mjs within 60 s; got " + skipped);
    }

    /** playwright-core from compat's lockfile (CompatSuiteTest installs it too; whichever runs first). */
    private static void ensureInstalled() throws Exception {
        if (Files.isDirectory(COMPAT.resolve("node_modules/playwright-core"))) {
            return;
        }
        Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(COMPAT.toFile())
                .inheritIO().start();
        assertThat(install.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(install.exitValue()).isZero();
    }
}
