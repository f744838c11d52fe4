// What several real-client tests share: waiting for an asynchronous outcome, and a phone with a
// QR-code credential.
import assert from "node:assert/strict";
import { baseUrl, tenantId, serverClient, freshUserId } from "./env.mjs";
import { createDevice } from "./device.mjs";

/** Runs `check` until it stops throwing (an assertion, an unfinished delivery); then its result. */
export async function eventually(check, { attempts = 100, delayMs = 200 } = {}) {
  let last;
  for (let i = 0; i < attempts; i++) {
    try {
      return await check();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  throw last;
}

/** A fresh user with one QR-code credential: the Server API client, the user id and the phone. */
export async function enrolledQrPhone() {
  const client = serverClient();
  const userId = freshUserId();
  const enrolment = await client.track({ userId, action: "addAuthenticator", attributes: { scope: "add:authenticators" } });
  const device = createDevice({ baseUrl, tenantId });
  const added = await device.addCredential("qr-code", enrolment.token);
  assert.equal(added.status, 200, added.text);
  return { client, userId, device };
}
