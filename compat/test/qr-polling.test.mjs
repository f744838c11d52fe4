// QR-code verification in polling mode with the real @authsignal/browser 1.16.0 running in Node
// (docs/protocol/wire.md#43-qr-by-polling): qrCode.challenge({polling: true}) creates an anonymous challenge with
// the tenant id and polls it with its device code; a phone claims and answers it (signed); the
// SDK reports claimed, then approved with an access token (or rejected); @authsignal/node's
// validateChallenge names the phone's user.
//
// Import order and shims as in push.test.mjs (docs/protocol/wire.md#b1-the-browser-sdk-in-node).
import "@authsignal/node";
import { Authsignal as BrowserAuthsignal } from "@authsignal/browser";
import WebSocket from "ws";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { baseUrl, tenantId } from "./env.mjs";
import { eventually, enrolledQrPhone } from "./fixtures.mjs";

globalThis.window = globalThis;
globalThis.document = { cookie: "", location: { hostname: "localhost", protocol: "http:" } };
globalThis.WebSocket = WebSocket;

const TIMEOUT = { timeout: 60_000 };

/** docs/protocol/wire.md#37-qr-claim-a-challenge claim and docs/protocol/wire.md#36-push-and-qr-answer-a-challenge answer as authsignal-android 3.8.0 sends them (Basic "tenant:", signed challengeId). */
async function phoneCall(device, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: {
      Authorization: "Basic " + Buffer.from(`${tenantId}:`, "utf8").toString("base64"),
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) };
}

function claim(device, challengeId) {
  return phoneCall(device, "/client/user-authenticators/qr-code/challenge/claim", {
    publicKey: device.publicKey,
    challengeId,
    signature: device.signMessage(challengeId),
  });
}

function answer(device, challengeId, approved) {
  return phoneCall(device, "/client/user-authenticators/qr-code/challenge", {
    publicKey: device.publicKey,
    challengeId,
    signature: device.signMessage(challengeId),
    approved,
    verificationCode: null,
  });
}

/** A kiosk: the browser SDK with no token (anonymous), polling; records the states it reports. */
async function startKiosk() {
  const kiosk = new BrowserAuthsignal({ tenantId, baseUrl });
  const states = [];
  const started = await kiosk.qrCode.challenge({
    action: "kioskLogin",
    custom: { till: 7 },
    polling: true,
    pollInterval: 250,
    onStateChange: (state, accessToken) => states.push({ state, accessToken }),
  });
  assert.equal(started.error, undefined, JSON.stringify(started));
  assert.equal(typeof started.data.challengeId, "string");
  assert.match(started.data.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  return { kiosk, states, challengeId: started.data.challengeId };
}

describe("QR code (polling) with @authsignal/browser", () => {
  test("claimed then approved: the kiosk gets an access token that validates as the phone's user", TIMEOUT, async () => {
    const phone = await enrolledQrPhone();
    const { kiosk, states, challengeId } = await startKiosk();
    try {
      const claimed = await claim(phone.device, challengeId);
      assert.equal(claimed.status, 200, claimed.text);
      assert.equal(claimed.json.success, true);
      assert.equal(claimed.json.actionCode, "kioskLogin");
      assert.deepEqual(claimed.json.custom, { till: 7 });
      await eventually(() => assert.ok(states.some((s) => s.state === "claimed"), JSON.stringify(states)));

      const approved = await answer(phone.device, challengeId, true);
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.json.isVerified, true);
      const verified = await eventually(() => {
        const found = states.find((s) => s.state === "approved");
        assert.ok(found, JSON.stringify(states));
        return found;
      });
      assert.equal(typeof verified.accessToken, "string");

      const validated = await phone.client.validateChallenge({ token: verified.accessToken });
      assert.equal(validated.isValid, true, JSON.stringify(validated));
      assert.equal(validated.userId, phone.userId);
      assert.equal(validated.action, "kioskLogin");
      assert.equal(validated.idempotencyKey, claimed.json.idempotencyKey);
      assert.equal(validated.state, "CHALLENGE_SUCCEEDED");
    } finally {
      kiosk.qrCode.disconnect();
    }
  });

  test("rejected on the phone: the kiosk reports rejected and never gets a token", TIMEOUT, async () => {
    const phone = await enrolledQrPhone();
    const { kiosk, states, challengeId } = await startKiosk();
    try {
      assert.equal((await claim(phone.device, challengeId)).status, 200);
      const rejected = await answer(phone.device, challengeId, false);
      assert.equal(rejected.status, 200, rejected.text);
      assert.equal(rejected.json.isVerified, false);
      await eventually(() => assert.ok(states.some((s) => s.state === "rejected"), JSON.stringify(states)));
      assert.ok(states.every((s) => s.state !== "approved" && s.accessToken === undefined), JSON.stringify(states));
    } finally {
      kiosk.qrCode.disconnect();
    }
  });
});
