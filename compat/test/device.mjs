// A minimal phone for the compat suite: a real P-256 key and the requests authsignal-android 3.8.0
// sends (docs/protocol/wire.md#12-authorization-bearer-and-the-three-basic-encodings, docs/protocol/wire.md#16-the-publickey-query-parameter, docs/protocol/wire.md#2-keys-and-signatures, docs/protocol/wire.md#3-device-endpoints-mobile-sdks). The full simulator is Java (device-simulator SimulatedDevice);
// this one enrols, looks up and removes (so the Server API tests have a real authenticator) and
// fetches and answers push challenges (docs/protocol/wire.md#35-push-fetch-the-pending-challenge, docs/protocol/wire.md#36-push-and-qr-answer-a-challenge) for the browser SDK's push flow, and claims
// and answers QR challenges (docs/protocol/wire.md#37-qr-claim-a-challenge) for its QR flow.
import { generateKeyPairSync, sign } from "node:crypto";

const USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Google Pixel 8) AuthsignalAndroidSDK/3.8.0";

export function createDevice({ baseUrl, tenantId }) {
  const { publicKey: pub, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const publicKey = pub.export({ type: "spki", format: "der" }).toString("base64");
  // Android: base64("tenant:") padded; ?publicKey= is standard base64 of the SPKI base64 text, raw.
  const basic = "Basic " + Buffer.from(`${tenantId}:`, "utf8").toString("base64");
  const publicKeyQuery = Buffer.from(publicKey, "utf8").toString("base64");

  async function call(method, path, authorization, body) {
    const headers = { Authorization: authorization, "User-Agent": USER_AGENT, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      // kotlinx.serialization with prettyPrint: four-space indent.
      body: body === undefined ? undefined : JSON.stringify(body, null, 4),
    });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }

  return {
    publicKey,
    signMessage(message) {
      return sign("sha256", Buffer.from(message, "utf8"), { key: privateKey, dsaEncoding: "der" }).toString("base64");
    },
    addCredential(feature, trackToken) {
      return call("POST", `/client/user-authenticators/${feature}`, `Bearer ${trackToken}`, {
        publicKey,
        deviceName: "Google Pixel 8",
        devicePlatform: "android",
      });
    },
    getCredential(feature) {
      return call("GET", `/client/user-authenticators/${feature}?publicKey=${publicKeyQuery}`, basic);
    },
    // docs/protocol/wire.md#35-push-fetch-the-pending-challenge: the pending push challenge, found by the push key (?publicKey= Android form, raw).
    getPushChallenge() {
      return call("GET", `/client/user-authenticators/push/challenge?publicKey=${publicKeyQuery}`, basic);
    },
    // docs/protocol/wire.md#36-push-and-qr-answer-a-challenge: approve or reject, signing the challengeId exactly as received. Android's model has no
    // default for verificationCode, so it is always sent, as null when the app passes none.
    updatePushChallenge(challengeId, approved, verificationCode = null) {
      return call("POST", "/client/user-authenticators/push/challenge", basic, {
        publicKey,
        challengeId,
        signature: this.signMessage(challengeId),
        approved,
        verificationCode,
      });
    },
    // docs/protocol/wire.md#37-qr-claim-a-challenge: claim a kiosk's QR challenge with the qr-code key (this device enrols one key for every
    // feature), signing the challengeId; the answer describes the kiosk.
    claimQrChallenge(challengeId) {
      return call("POST", "/client/user-authenticators/qr-code/challenge/claim", basic, {
        publicKey,
        challengeId,
        signature: this.signMessage(challengeId),
      });
    },
    // docs/protocol/wire.md#36-push-and-qr-answer-a-challenge for QR: approve or reject a claimed challenge.
    updateQrChallenge(challengeId, approved, verificationCode = null) {
      return call("POST", "/client/user-authenticators/qr-code/challenge", basic, {
        publicKey,
        challengeId,
        signature: this.signMessage(challengeId),
        approved,
        verificationCode,
      });
    },
    removeCredential(feature, now = new Date()) {
      // Kotlin Double.toString of floor(t/600): "2940774.0".
      const message = `${Math.floor(now.getTime() / 1000 / 600)}.0`;
      return call("POST", `/client/user-authenticators/${feature}/remove`, basic, {
        publicKey,
        signature: this.signMessage(message),
      });
    },
    // docs/protocol/wire.md#34-generic-challenge-and-attestation-nonce + docs/protocol/wire.md#38-in-app-verify: in-app verification with the in-app key (Basic, {"action"} or {}).
    async verifyInApp(action) {
      const challenge = await call("POST", "/client/challenge", basic, action ? { action } : {});
      if (challenge.status !== 200) return challenge;
      const challengeId = challenge.json.challengeId;
      return call("POST", "/client/verify/in-app", basic, {
        challengeId,
        publicKey,
        signature: this.signMessage(challengeId),
      });
    },
  };
}
