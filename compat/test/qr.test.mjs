// QR-code verification with the real @authsignal/browser 1.16.0 in Node (docs/protocol/wire.md#b1-the-browser-sdk-in-node):
// qrCode.challenge over the WebSocket (the default) and with polling: true; the JS device claims
// and answers; the SDK's onStateChange reports claimed, then approved with the access token (or
// rejected); @authsignal/node validates the token (docs/protocol/wire.md#42-qr-over-the-kiosk-websocket, docs/protocol/wire.md#43-qr-by-polling, docs/protocol/wire.md#45-end-to-end-sequences).
//
// Import order and shims as in push.test.mjs: @authsignal/node, then @authsignal/browser, then
// window/document/WebSocket.
import "@authsignal/node";
import { Authsignal as BrowserAuthsignal } from "@authsignal/browser";
import WebSocket from "ws";
import { describe, test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { baseUrl, tenantId } from "./env.mjs";
import { enrolledQrPhone } from "./fixtures.mjs";

globalThis.window = globalThis;
globalThis.document = { cookie: "", location: { hostname: "localhost", protocol: "http:" } };
globalThis.WebSocket = WebSocket;

const TIMEOUT = { timeout: 60_000 };
// Anonymous kiosk: no token is ever set in this file (the SDK's TokenCache is process-wide).
const browser = new BrowserAuthsignal({ tenantId, baseUrl });

afterEach(() => browser.qrCode.disconnect());

async function until(check, what, { attempts = 150, delayMs = 100 } = {}) {
  for (let i = 0; i < attempts; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** qrCode.challenge in the given mode; every onStateChange call is recorded. */
async function kioskChallenge(polling) {
  const states = [];
  const response = await browser.qrCode.challenge({
    action: "kioskLogin",
    custom: { till: 7 },
    polling,
    pollInterval: 300,
    onStateChange: (state, accessToken) => states.push({ state, accessToken }),
  });
  assert.equal(response.errorCode, undefined, JSON.stringify(response));
  const { challengeId, expiresAt } = response.data;
  assert.match(challengeId, /^[A-Za-z0-9_-]+$/);
  assert.ok(Date.parse(expiresAt) > Date.now(), expiresAt);
  return { challengeId, states };
}

for (const mode of ["websocket", "polling"]) {
  describe(`qrCode.challenge (${mode})`, () => {
    const polling = mode === "polling";

    test("claimed, then approved with an access token that validates as the phone's user", TIMEOUT, async () => {
      const phone = await enrolledQrPhone();
      const { challengeId, states } = await kioskChallenge(polling);

      const claim = await phone.device.claimQrChallenge(challengeId);
      assert.equal(claim.status, 200, claim.text);
      assert.equal(claim.json.success, true);
      assert.equal(claim.json.actionCode, "kioskLogin");
      assert.deepEqual(claim.json.custom, { till: 7 });
      await until(() => states.find((s) => s.state === "claimed"), "claimed");

      const answer = await phone.device.updateQrChallenge(challengeId, true);
      assert.equal(answer.status, 200, answer.text);
      const approved = await until(() => states.find((s) => s.state === "approved"), "approved");
      assert.match(approved.accessToken, /^eyJ/);

      const validated = await phone.client.validateChallenge({ token: approved.accessToken });
      assert.equal(validated.isValid, true);
      assert.equal(validated.state, "CHALLENGE_SUCCEEDED");
      assert.equal(validated.userId, phone.userId);
      assert.equal(validated.action, "kioskLogin");
      assert.equal(states.some((s) => s.state === "rejected"), false);
    });

    test("claimed, then rejected, and no access token", TIMEOUT, async () => {
      const phone = await enrolledQrPhone();
      const { challengeId, states } = await kioskChallenge(polling);
      assert.equal((await phone.device.claimQrChallenge(challengeId)).status, 200);
      await until(() => states.find((s) => s.state === "claimed"), "claimed");
      assert.equal((await phone.device.updateQrChallenge(challengeId, false)).status, 200);
      const rejected = await until(() => states.find((s) => s.state === "rejected"), "rejected");
      assert.equal(rejected.accessToken, undefined);
      assert.equal(states.some((s) => s.state === "approved"), false);
    });
  });
}

test("a second phone cannot claim a claimed challenge", TIMEOUT, async () => {
  const first = await enrolledQrPhone();
  const second = await enrolledQrPhone();
  const { challengeId } = await kioskChallenge(false);
  assert.equal((await first.device.claimQrChallenge(challengeId)).status, 200);
  const again = await second.device.claimQrChallenge(challengeId);
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error, "challenge_already_answered");
});
