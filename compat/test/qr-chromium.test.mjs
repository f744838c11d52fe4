// QR-code verification with the real @authsignal/browser 1.16.0 in real headless Chromium
// (docs/protocol/wire.md#b2-the-browser-sdk-in-headless-chromium), its page served from ANOTHER origin than the API (http://localhost:<port>
// against http://127.0.0.1:<edge>), so every fetch with Authorization goes through a CORS preflight
// and the WebSocket handshake is the browser's own. The e2e run allows that origin for the tenant
// and passes it as COUNTERSIGN_PAGE_ORIGIN; without it (by hand) the tests are skipped.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { baseUrl, tenantId } from "./env.mjs";
import { enrolledQrPhone } from "./fixtures.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const pageOrigin = process.env.COUNTERSIGN_PAGE_ORIGIN;
const skip = !pageOrigin ? "COUNTERSIGN_PAGE_ORIGIN is not set (the e2e run sets it)"
  : !existsSync(CHROMIUM) ? `${CHROMIUM} is missing (apt-get install chromium)` : false;
const TIMEOUT = { timeout: 90_000, skip };

// The page: the SDK's own ES module bundle and a few functions the test calls with page.evaluate.
const HARNESS = `<!doctype html><meta charset="utf-8"><title>compat QR</title>
<script type="module">
  import { Authsignal } from "/sdk/index.js";
  window.startQr = async (baseUrl, tenantId, polling) => {
    const authsignal = new Authsignal({ tenantId, baseUrl });
    window.states = [];
    window.authsignal = authsignal;
    return authsignal.qrCode.challenge({ action: "kioskLogin", polling, pollInterval: 300,
      onStateChange: (state, accessToken) => window.states.push({ state, accessToken }) });
  };
  window.ready = true;
</script>`;

let server;
let browser;

before(async () => {
  if (skip) return;
  const bundle = await readFile(new URL("../node_modules/@authsignal/browser/dist/index.js", import.meta.url));
  server = createServer((request, response) => {
    if (request.url === "/sdk/index.js") {
      response.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle);
    } else if (request.url === "/") {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(HARNESS);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(Number(new URL(pageOrigin).port), "127.0.0.1", resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

for (const polling of [false, true]) {
  test(`Chromium, page on another origin, ${polling ? "polling" : "WebSocket"}: claimed, approved, validated`, TIMEOUT, async () => {
    const phone = await enrolledQrPhone();
    const page = await browser.newPage();
    const preflights = [];
    const apiRequests = [];
    page.on("request", (request) => {
      if (request.url().startsWith(baseUrl)) apiRequests.push(`${request.method()} ${request.url()}`);
    });
    // Chromium reports preflights only through the DevTools protocol.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    cdp.on("Network.requestWillBeSent", (event) => {
      if (event.request.method === "OPTIONS") preflights.push(event.request.url);
    });
    try {
      await page.goto(`${pageOrigin}/`);
      await page.waitForFunction(() => window.ready === true);
      assert.notEqual(new URL(page.url()).origin, new URL(baseUrl).origin);

      const started = await page.evaluate(([b, t, p]) => window.startQr(b, t, p), [baseUrl, tenantId, polling]);
      assert.equal(started.errorCode, undefined, JSON.stringify(started));
      const challengeId = started.data.challengeId;

      assert.equal((await phone.device.claimQrChallenge(challengeId)).status, 200);
      await page.waitForFunction(() => window.states.some((s) => s.state === "claimed"), null, { timeout: 20_000 });
      assert.equal((await phone.device.updateQrChallenge(challengeId, true)).status, 200);
      await page.waitForFunction(() => window.states.some((s) => s.state === "approved"), null, { timeout: 20_000 });
      const approved = await page.evaluate(() => window.states.find((s) => s.state === "approved"));

      const validated = await phone.client.validateChallenge({ token: approved.accessToken });
      assert.equal(validated.isValid, true);
      assert.equal(validated.userId, phone.userId);
      if (polling) {
        // The cross-origin POSTs with Authorization went through (and were preflighted).
        assert.ok(apiRequests.some((r) => r.startsWith("POST ") && r.endsWith("/client/challenge/qr-code")), apiRequests.join("\n"));
        assert.ok(apiRequests.some((r) => r.startsWith("POST ") && r.endsWith("/client/verify/qr-code")), apiRequests.join("\n"));
        assert.ok(preflights.some((url) => url.endsWith("/client/challenge/qr-code")), `preflights: ${preflights}`);
      }
      await page.evaluate(() => window.authsignal.qrCode.disconnect());
    } finally {
      await page.close();
    }
  });
}
