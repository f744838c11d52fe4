// The server under test, from the environment (the e2e CompatSuiteTest or a hand-started launcher).
import { Authsignal } from "@authsignal/node";

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: start Countersign and export the three COUNTERSIGN_* lines it prints`);
  }
  return value;
}

export const baseUrl = required("COUNTERSIGN_BASE_URL").replace(/\/$/, "");
export const tenantId = required("COUNTERSIGN_TENANT_ID");
export const secretKey = required("COUNTERSIGN_SECRET_KEY");
// Where the tenant's push.created webhooks can be read back (`GET` → [{body, signature}]): the e2e
// run's webhook sink. Unset by hand unless you run a sink and start Countersign with
// COUNTERSIGN_WEBHOOK_URL pointing at it.
export const webhookSink = process.env.COUNTERSIGN_WEBHOOK_SINK;

// retries: 0: axios-retry would otherwise retry connection errors and GET 5xx, hiding failures.
export function serverClient(apiSecretKey = secretKey) {
  return new Authsignal({ apiSecretKey, apiUrl: baseUrl, retries: 0 });
}

export function freshUserId() {
  return `compat-${crypto.randomUUID()}`;
}
