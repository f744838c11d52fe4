// @authsignal/node 2.21.0, unmodified, against Countersign's Server API.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AuthsignalError } from "@authsignal/node";
import { baseUrl, tenantId, serverClient, freshUserId } from "./env.mjs";
import { createDevice } from "./device.mjs";

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to be rejected");
}

describe("track", () => {
  test("fresh user gets a token, CHALLENGE_REQUIRED, an idempotency key and isEnrolled false", async () => {
    const result = await serverClient().track({ userId: freshUserId(), action: "signIn" });

    assert.equal(result.state, "CHALLENGE_REQUIRED");
    assert.equal(typeof result.token, "string");
    assert.match(result.token, /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/, "a compact JWS");
    assert.equal(typeof result.idempotencyKey, "string");
    assert.ok(result.idempotencyKey.length > 0);
    assert.equal(result.isEnrolled, false);
    assert.equal(result.error, undefined);
  });

  test("tracking again with the same idempotency key gives the same action", async () => {
    const client = serverClient();
    const userId = freshUserId();
    const idempotencyKey = crypto.randomUUID();

    const first = await client.track({ userId, action: "signIn", attributes: { idempotencyKey } });
    const second = await client.track({ userId, action: "signIn", attributes: { idempotencyKey } });

    assert.equal(first.idempotencyKey, idempotencyKey);
    assert.equal(second.idempotencyKey, idempotencyKey);
    assert.equal(second.state, first.state);
    const action = await client.getAction({ userId, action: "signIn", idempotencyKey });
    assert.equal(action.state, "CHALLENGE_REQUIRED");
  });
});

describe("getAction", () => {
  test("shows the tracked action's state and creation time", async () => {
    const client = serverClient();
    const userId = freshUserId();
    const tracked = await client.track({ userId, action: "signIn" });

    const action = await client.getAction({ userId, action: "signIn", idempotencyKey: tracked.idempotencyKey });

    assert.equal(action.state, "CHALLENGE_REQUIRED");
    assert.match(action.createdAt, ISO_MILLIS);
    assert.ok(Math.abs(Date.parse(action.createdAt) - Date.now()) < 5 * 60 * 1000, "createdAt is now-ish");
  });

  test("unknown idempotency key is an AuthsignalError 404 not_found", async () => {
    // The user and action exist, so the 404 is about the key and not a missing route.
    const client = serverClient();
    const userId = freshUserId();
    const tracked = await client.track({ userId, action: "signIn" });
    assert.equal((await client.getAction({ userId, action: "signIn", idempotencyKey: tracked.idempotencyKey })).state,
      "CHALLENGE_REQUIRED");

    const error = await rejection(client.getAction({ userId, action: "signIn", idempotencyKey: crypto.randomUUID() }));

    assert.ok(error instanceof AuthsignalError, String(error));
    assert.equal(error.statusCode, 404);
    assert.equal(error.errorCode, "not_found");
  });
});

describe("validateChallenge", () => {
  test("a track token whose challenge was not completed is not valid", async () => {
    const client = serverClient();
    const tracked = await client.track({ userId: freshUserId(), action: "signIn" });

    const result = await client.validateChallenge({ token: tracked.token });

    assert.equal(result.isValid, false);
  });
});

describe("authenticators", () => {
  test("a device enrolled with a track token is listed, and gone after deleteAuthenticator", async () => {
    const client = serverClient();
    const userId = freshUserId();
    const tracked = await client.track({ userId, action: "addAuthenticator", attributes: { scope: "add:authenticators" } });
    const device = createDevice({ baseUrl, tenantId });

    const added = await device.addCredential("push", tracked.token);
    assert.equal(added.status, 200, added.text);
    assert.equal(added.json.userId, userId);
    assert.equal(typeof added.json.userAuthenticatorId, "string");
    assert.match(added.json.verifiedAt, ISO_MILLIS);

    const listed = await client.getAuthenticators({ userId });
    const mine = listed.filter((a) => a.userAuthenticatorId === added.json.userAuthenticatorId);
    assert.equal(mine.length, 1, JSON.stringify(listed));
    assert.equal(mine[0].userId, userId);
    assert.equal(mine[0].verificationMethod, "PUSH");
    assert.match(mine[0].createdAt, ISO_MILLIS);

    await client.deleteAuthenticator({ userId, userAuthenticatorId: added.json.userAuthenticatorId });

    const after = await client.getAuthenticators({ userId });
    assert.deepEqual(after.filter((a) => a.userAuthenticatorId === added.json.userAuthenticatorId), []);
    const lookup = await device.getCredential("push");
    assert.notEqual(lookup.status, 200, lookup.text);
    assert.equal(lookup.json?.error, "invalid_credential", lookup.text);
  });

  test("a user with no authenticators has an empty list", async () => {
    assert.deepEqual(await serverClient().getAuthenticators({ userId: freshUserId() }), []);
  });
});

describe("errors", () => {
  test("a wrong secret is an AuthsignalError 401 unauthorized", async () => {
    const error = await rejection(serverClient("sk_wrong_secret").track({ userId: freshUserId(), action: "signIn" }));

    assert.ok(error instanceof AuthsignalError, String(error));
    assert.equal(error.statusCode, 401);
    assert.equal(error.errorCode, "unauthorized");
  });
});
