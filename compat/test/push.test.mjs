// Push verification with the real @authsignal/browser 1.16.0 running in Node (docs/protocol/wire.md#b1-the-browser-sdk-in-node)
// and the real @authsignal/node 2.21.0: node track → browser setToken + push.challenge → the JS
// device fetches and answers → browser push.verify → node validateChallenge (docs/protocol/wire.md#45-end-to-end-sequences).
//
// Import order matters (docs/protocol/wire.md#b1-the-browser-sdk-in-node): @authsignal/node (axios) must load before `window`
// and `document` exist, and @authsignal/browser before `document` exists. Static imports are
// evaluated in order and before this module's body, so the shims below come after both.
import "@authsignal/node";
import { Authsignal as BrowserAuthsignal } from "@authsignal/browser";
import WebSocket from "ws";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { baseUrl, tenantId, secretKey, serverClient, freshUserId, webhookSink } from "./env.mjs";
import { createDevice } from "./device.mjs";
import { eventually } from "./fixtures.mjs";

// The three shims: window.btoa (buildHeaders), the anonymous-id cookie and cookie domain, WebSocket.
globalThis.window = globalThis;
globalThis.document = { cookie: "", location: { hostname: "localhost", protocol: "http:" } };
globalThis.WebSocket = WebSocket;

const TIMEOUT = { timeout: 60_000 };
const IP_ADDRESS = "203.0.113.42";
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) countersign-compat";

// One browser SDK instance. Its TokenCache is a process-wide singleton anyway (node --test runs
// each file in its own process), so every test sets its own token before it starts a challenge,
// and the tests of this file run one after another.
const browser = new BrowserAuthsignal({ tenantId, baseUrl });

/** A fresh user with one push credential that challenge-service already targets. */
async function enrolledUser() {
  const client = serverClient();
  const userId = freshUserId();
  const enrolment = await client.track({ userId, action: "addAuthenticator", attributes: { scope: "add:authenticators" } });
  const device = createDevice({ baseUrl, tenantId });
  const added = await device.addCredential("push", enrolment.token);
  assert.equal(added.status, 200, added.text);
  // challenge-service learns of credentials from credential-events; track's isEnrolled shows it has.
  await eventually(async () => {
    const probe = await client.track({ userId, action: "probe" });
    assert.equal(probe.isEnrolled, true);
  });
  return { client, userId, device, credentialId: added.json.userAuthenticatorId };
}

/** Track signIn, then the browser starts the push challenge with that token; the device sees it. */
async function startSignIn({ client, userId, device, credentialId }) {
  const tracked = await client.track({
    userId,
    action: "signIn",
    attributes: { ipAddress: IP_ADDRESS, userAgent: USER_AGENT },
  });
  assert.equal(tracked.state, "CHALLENGE_REQUIRED");

  browser.setToken(tracked.token);
  const started = await browser.push.challenge({ action: "signIn" });
  assert.equal(started.error, undefined, JSON.stringify(started));
  const { challengeId } = started.data;
  assert.equal(typeof challengeId, "string");

  const pending = await browser.push.verify({ challengeId });
  assert.equal(pending.error, undefined, JSON.stringify(pending));
  assert.equal(pending.data.isConsumed, false);
  assert.equal(pending.data.isVerified, false);
  assert.equal(pending.data.token, undefined);

  const fetched = await device.getPushChallenge();
  assert.equal(fetched.status, 200, fetched.text);
  assert.equal(fetched.json.userAuthenticatorId, credentialId);
  assert.equal(fetched.json.challengeId, challengeId);
  assert.equal(fetched.json.userId, userId);
  assert.equal(fetched.json.actionCode, "signIn");
  assert.equal(fetched.json.idempotencyKey, tracked.idempotencyKey);
  assert.equal(fetched.json.ipAddress, IP_ADDRESS);
  assert.equal(fetched.json.userAgent, USER_AGENT);
  return { tracked, challengeId };
}

describe("push with @authsignal/browser", () => {
  test("approved on the device: push.verify gives a token that validateChallenge accepts", TIMEOUT, async () => {
    const user = await enrolledUser();
    const { tracked, challengeId } = await startSignIn(user);

    const answered = await user.device.updatePushChallenge(challengeId, true);
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.json.isVerified, true);

    const verified = await browser.push.verify({ challengeId });
    assert.equal(verified.error, undefined, JSON.stringify(verified));
    assert.equal(verified.data.isConsumed, true);
    assert.equal(verified.data.isVerified, true);
    assert.equal(typeof verified.data.token, "string");
    assert.notEqual(verified.data.token, tracked.token);

    const validated = await user.client.validateChallenge({ token: verified.data.token });
    assert.equal(validated.isValid, true, JSON.stringify(validated));
    assert.equal(validated.state, "CHALLENGE_SUCCEEDED");
    assert.equal(validated.userId, user.userId);
    assert.equal(validated.action, "signIn", "the SDK renames the server's actionCode");
    assert.equal(validated.idempotencyKey, tracked.idempotencyKey);
    assert.equal(validated.verificationMethod, "PUSH");
    const action = await user.client.getAction({ userId: user.userId, action: "signIn", idempotencyKey: tracked.idempotencyKey });
    assert.equal(action.state, "CHALLENGE_SUCCEEDED");
  });

  test("the push challenge's push.created webhook is accepted by webhook.constructEvent", {
    ...TIMEOUT,
    skip: !webhookSink && "COUNTERSIGN_WEBHOOK_SINK is not set (the e2e run sets it)",
  }, async () => {
    const user = await enrolledUser();
    const { tracked, challengeId } = await startSignIn(user);

    const webhooks = await eventually(async () => {
      const all = await (await fetch(webhookSink)).json();
      const ours = all.filter((w) => JSON.parse(w.body).data?.challengeId === challengeId);
      assert.equal(ours.length, 1, `webhooks for ${challengeId}: ${ours.length}`);
      return ours;
    });
    const event = serverClient(secretKey).webhook.constructEvent(webhooks[0].body, webhooks[0].signature);
    assert.equal(event.type, "push.created");
    assert.equal(event.tenantId, tenantId);
    assert.equal(event.data.challengeId, challengeId);
    assert.equal(event.data.userId, user.userId);
    assert.equal(event.data.actionCode, "signIn");
    assert.equal(event.data.idempotencyKey, tracked.idempotencyKey);
    assert.throws(() => serverClient("sk_wrong").webhook.constructEvent(webhooks[0].body, webhooks[0].signature));

    // Countersign's delivery results (docs/protocol/decisions.md#23-delivery-results) come through the real getAction.
    const delivered = await eventually(async () => {
      const action = await user.client.getAction({ userId: user.userId, action: "signIn", idempotencyKey: tracked.idempotencyKey });
      assert.equal(action.state, "CHALLENGE_REQUIRED");
      const webhook = (action.deliveries ?? []).find((d) => d.channel === "webhook" && d.challengeId === challengeId);
      assert.ok(webhook, JSON.stringify(action));
      return webhook;
    });
    assert.equal(delivered.status, "accepted");
    assert.equal(delivered.done, true);

    const answered = await user.device.updatePushChallenge(challengeId, true);
    assert.equal(answered.status, 200, answered.text);
  });

  test("a second push.challenge supersedes the first: its push.verify is challenge_expired, the device sees the second", TIMEOUT, async () => {
    const user = await enrolledUser();
    const first = await startSignIn(user);
    // The page reloaded: tracked again, a new push for the same user.
    const second = await startSignIn(user);
    assert.notEqual(second.challengeId, first.challengeId);

    browser.setToken(first.tracked.token);
    const ended = await browser.push.verify({ challengeId: first.challengeId });
    assert.equal(ended.data, undefined, JSON.stringify(ended));
    assert.equal(ended.errorCode, "challenge_expired", JSON.stringify(ended));

    const late = await user.device.updatePushChallenge(first.challengeId, true);
    assert.equal(late.status, 410, late.text);
    assert.equal(late.json.error, "challenge_expired");
    const answered = await user.device.updatePushChallenge(second.challengeId, true);
    assert.equal(answered.status, 200, answered.text);
    const firstAction = await user.client.getAction({ userId: user.userId, action: "signIn", idempotencyKey: first.tracked.idempotencyKey });
    assert.equal(firstAction.state, "CHALLENGE_REQUIRED");
  });

  test("rejected on the device: push.verify is consumed, not verified, without a token", TIMEOUT, async () => {
    const user = await enrolledUser();
    const { tracked, challengeId } = await startSignIn(user);

    const answered = await user.device.updatePushChallenge(challengeId, false);
    assert.equal(answered.status, 200, answered.text);
    assert.equal(answered.json.isVerified, false);

    const polled = await browser.push.verify({ challengeId });
    assert.equal(polled.error, undefined, JSON.stringify(polled));
    assert.equal(polled.data.isConsumed, true);
    assert.equal(polled.data.isVerified, false);
    assert.equal(polled.data.token, undefined);

    const validated = await user.client.validateChallenge({ token: tracked.token });
    assert.equal(validated.isValid, false);
    assert.equal(validated.state, "CHALLENGE_FAILED");
    const action = await user.client.getAction({ userId: user.userId, action: "signIn", idempotencyKey: tracked.idempotencyKey });
    assert.equal(action.state, "CHALLENGE_FAILED");
  });
});
