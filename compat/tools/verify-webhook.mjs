// Verifies one captured push.created webhook with the real @authsignal/node SDK.
// Raw body on stdin, the X-Signature-V2 value in WEBHOOK_SIGNATURE, the key in
// AUTHSIGNAL_SECRET_KEY (environment, never an argument: a process listing shows arguments).
// Exit 0 and print the parsed event iff webhook.constructEvent accepts; 1 with the SDK's error otherwise.
import { Authsignal } from "@authsignal/node";

const signature = process.env.WEBHOOK_SIGNATURE;
const apiSecretKey = process.env.AUTHSIGNAL_SECRET_KEY;
if (!signature || !apiSecretKey) {
  console.error("WEBHOOK_SIGNATURE and AUTHSIGNAL_SECRET_KEY must be set");
  process.exit(2);
}

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const rawBody = Buffer.concat(chunks).toString("utf8");

try {
  const event = new Authsignal({ apiSecretKey, retries: 0 }).webhook.constructEvent(rawBody, signature);
  console.log(JSON.stringify(event));
  process.exit(0);
} catch (error) {
  console.error(`rejected: ${error.name}: ${error.message}`);
  process.exit(1);
}
