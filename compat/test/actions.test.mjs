// @authsignal/node 2.21.0, unmodified: queryUserActions and updateAction (docs/protocol/wire.md#54-get-update-and-query-actions).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AuthsignalError } from "@authsignal/node";
import { baseUrl, tenantId, serverClient, freshUserId } from "./env.mjs";
import { createDevice } from "./device.mjs";

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("queryUserActions", () => {
  test("lists the user's actions, newest first, with state and times", async () => {
    const client = serverClient();
    const userId = freshUserId();
    const signIn = await client.track({ userId, action: "signIn" });
    const transfer = await client.track({ userId, action: "transfer" });

    const actions = await client.queryUserActions({ userId });

    assert.ok(Array.isArray(actions));
    assert.deepEqual(actions.map((a) => a.idempotencyKey), [transfer.idempotencyKey, signIn.idempotencyKey]);
    assert.deepEqual(actions.map((a) => a.actionCode), ["transfer", "signIn"]);
    for (const action of actions) {
      assert.equal(action.state, "CHALLENGE_REQUIRED");
      assert.match(action.createdAt, ISO_MILLIS);
      assert.match(action.stateUpdatedAt, ISO_MILLIS);
    }
  });

  test("filters by actionCodes, state and fromDate", async () => {
    const client = serverClient();
    const userId = freshUserId();
    const signIn = await client.track({ userId, action: "signIn" });
    const transfer = await client.track({ userId, action: "transfer" });
    const withdraw = await client.track({ userId, action: "withdraw" });
    await client.updateAction({
      userId, action: "withdraw", idempotencyKey: withdraw.idempotencyKey, attributes: { state: "REVIEW_REQUIRED" },
    });

    const byCode = await client.queryUserActions({ userId, actionCodes: ["signIn", "transfer"] });
    assert.deepEqual(byCode.map((a) => a.idempotencyKey).sort(),
      [signIn.idempotencyKey, transfer.idempotencyKey].sort());
    const byState = await client.queryUserActions({ userId, state: "REVIEW_REQUIRED" });
    assert.deepEqual(byState.map((a) => a.idempotencyKey), [withdraw.idempotencyKey]);
    const future = await client.queryUserActions({ userId, fromDate: new Date(Date.now() + 60_000).toISOString() });
    assert.deepEqual(future, []);
    const past = await client.queryUserActions({ userId, fromDate: new Date(Date.now() - 60_000).toISOString() });
    assert.equal(past.length, 3);
  });

  test("another user's actions are not listed", async () => {
    const client = serverClient();
    await client.track({ userId: freshUserId(), action: "signIn" });
    assert.deepEqual(await client.queryUserActions({ userId: freshUserId() }), []);
  });
});

describe("updateAction", () => {
  test("a review decision: REVIEW_REQUIRED then REVIEW_SUCCEEDED, shown by getAction", async () => {
    const client = serverClient();
    const userId = freshUserId();
    const { idempotencyKey } = await client.track({ userId, action: "withdraw" });

    const required = await client.updateAction({
      userId, action: "withdraw", idempotencyKey, attributes: { state: "REVIEW_REQUIRED" },
    });
    assert.equal(required.state, "REVIEW_REQUIRED");
    const succeeded = await client.updateAction({
      userId, action: "withdraw", idempotencyKey, attributes: { state: "REVIEW_SUCCEEDED" },
    });
    assert.equal(succeeded.state, "REVIEW_SUCCEEDED");
    const action = await client.getAction({ userId, action: "withdraw", idempotencyKey });
    assert.equal(action.state, "REVIEW_SUCCEEDED");
  });

  test("a result without a required review, or a challenge state, is refused with invalid_request", async () => {
    const client = serverClient();
    const userId = freshUserId();
    const { idempotencyKey } = await client.track({ userId, action: "withdraw" });

    for (const state of ["REVIEW_FAILED", "CHALLENGE_SUCCEEDED"]) {
      const error = await client.updateAction({ userId, action: "withdraw", idempotencyKey, attributes: { state } })
        .then(() => assert.fail("expected a refusal"), (e) => e);
      assert.ok(error instanceof AuthsignalError, String(error));
      assert.equal(error.statusCode, 400);
      assert.equal(error.errorCode, "invalid_request");
    }
    const action = await client.getAction({ userId, action: "withdraw", idempotencyKey });
    assert.equal(action.state, "CHALLENGE_REQUIRED");
  });

  test("an unknown action is 404 not_found", async () => {
    const error = await serverClient().updateAction({
      userId: freshUserId(), action: "withdraw", idempotencyKey: crypto.randomUUID(),
      attributes: { state: "REVIEW_REQUIRED" },
    }).then(() => assert.fail("expected a refusal"), (e) => e);
    assert.ok(error instanceof AuthsignalError, String(error));
    assert.equal(error.statusCode, 404);
    assert.equal(error.errorCode, "not_found");
  });
});

describe("validateChallenge of an in-app verification", () => {
  test("valid for the challenge's action only, listed by queryUserActions as DEVICE", async () => {
    const client = serverClient();
    const userId = freshUserId();
    const device = createDevice({ baseUrl, tenantId });
    const tracked = await client.track({ userId, action: "enrol", attributes: { scope: "add:authenticators" } });
    const added = await device.addCredential("in-app", tracked.token);
    assert.equal(added.status, 200, added.text);

    const verified = await device.verifyInApp("transfer");
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.json.userId, userId);
    assert.equal(verified.json.userAuthenticatorId, added.json.userAuthenticatorId);

    const right = await client.validateChallenge({ token: verified.json.token, action: "transfer" });
    assert.equal(right.isValid, true);
    assert.equal(right.userId, userId);
    assert.equal(right.action, "transfer");
    assert.equal(right.verificationMethod, "DEVICE");
    const wrong = await client.validateChallenge({ token: verified.json.token, action: "signIn" });
    assert.equal(wrong.isValid, false);

    const listed = await client.queryUserActions({ userId, actionCodes: ["transfer"] });
    assert.equal(listed.length, 1);
    assert.equal(listed[0].state, "CHALLENGE_SUCCEEDED");
    assert.equal(listed[0].verificationMethod, "DEVICE");
    assert.equal(listed[0].verifiedByAuthenticatorId, added.json.userAuthenticatorId);
  });
});
