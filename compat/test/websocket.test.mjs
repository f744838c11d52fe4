// The WebSocket handshake as @authsignal/browser makes it (docs/protocol/wire.md#42-qr-over-the-kiosk-websocket), with the ws client.
import { test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { baseUrl, tenantId } from "./env.mjs";

// The browser SDK's own derivation: first-occurrence replacements, in this order.
function webSocketUrl(base) {
  return base.replace("https://", "wss://").replace("http://", "ws://").replace("v1", "ws-v1-challenge").replace("api", "api-ws");
}

test("anonymous QR socket: the server selects the authsignal-ws subprotocol", async () => {
  const socket = new WebSocket(webSocketUrl(baseUrl), ["authsignal-ws", `x.authsignal.tenant.${tenantId}`]);
  try {
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    assert.equal(socket.protocol, "authsignal-ws");
  } finally {
    socket.terminate();
  }
});
