// Drives notifier-service's kiosk page in real headless Chromium for the e2e KioskPageBrowserTest:
// opens KIOSK_URL, waits for the QR code, screenshots it into SCREENSHOT_DIR, and reports on
// stdout, one line each, as the page goes on:
//   CHALLENGE <challengeId>   SCREENSHOT <path>   (the QR code is on screen)
//   STATE claimed             SCREENSHOT <path>   (blurred)
//   STATE approved|rejected   TOKEN <accessToken> SCREENSHOT <path>
// The Java test decodes the first screenshot, claims and answers with its simulated phone.
// Exits 0 after the outcome, 1 on a timeout or error.
import { chromium } from "playwright-core";
import { join } from "node:path";
import { mkdirSync } from "node:fs";

const url = process.env.KIOSK_URL;
const dir = process.env.SCREENSHOT_DIR || ".";
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const WAIT = { timeout: 60_000 };
mkdirSync(dir, { recursive: true });

const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  page.on("console", (message) => console.error(`[page] ${message.text()}`));
  // The page hands the token to the kiosk's own script through this event.
  await page.addInitScript(() => {
    window.addEventListener("countersign:approved", (event) => { window.approvedToken = event.detail.accessToken; });
  });
  await page.goto(url);
  await page.waitForSelector('body[data-state="unclaimed"]', WAIT);
  // Drawn and sized by the page (a whole number of pixels per module), as a camera would see it.
  await page.waitForFunction(() => { const img = document.getElementById("qr"); return img.complete && img.dataset.modulePixels; }, null, WAIT);
  const challengeId = await page.evaluate(() => document.body.dataset.challengeId);
  const unclaimed = join(dir, "kiosk-unclaimed.png");
  await page.screenshot({ path: unclaimed });
  console.log(`CHALLENGE ${challengeId}`);
  console.log(`SCREENSHOT ${unclaimed}`);

  await page.waitForSelector('body[data-state="claimed"]', WAIT);
  await page.waitForTimeout(400); // the blur transition
  const claimed = join(dir, "kiosk-claimed.png");
  await page.screenshot({ path: claimed });
  console.log("STATE claimed");
  console.log(`SCREENSHOT ${claimed}`);

  await page.waitForSelector('body[data-state="approved"], body[data-state="rejected"]', WAIT);
  const outcome = await page.evaluate(() => document.body.dataset.state);
  const final = join(dir, `kiosk-${outcome}.png`);
  await page.screenshot({ path: final });
  console.log(`STATE ${outcome}`);
  if (outcome === "approved") console.log(`TOKEN ${await page.evaluate(() => window.approvedToken)}`);
  console.log(`SCREENSHOT ${final}`);
} catch (error) {
  console.error(`kiosk-page failed: ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
