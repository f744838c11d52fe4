// The kiosk page: one socket to /ws-v1-challenge as @authsignal/browser opens it (subprotocols
// authsignal-ws + x.authsignal.tenant.<id>), a CREATE_CHALLENGE per challenge, the QR code drawn by
// the server (/kiosk/qr.svg), blurred once claimed, then the outcome. Our own code, no libraries.
//
// Query parameters: tenantId (required), action (default kioskLogin), resultSeconds (how long an
// outcome stays on screen before the next challenge, default 8).
// On approval the page dispatches a "countersign:approved" event on window with
// {challengeId, accessToken}: a kiosk's own script sends the token to its backend, which validates it.

const params = new URLSearchParams(location.search);
const tenantId = params.get("tenantId") || params.get("tenant");
const action = params.get("action") || "kioskLogin";
const resultMillis = 1000 * Math.max(1, Number(params.get("resultSeconds")) || 8);
// A new challenge this long before the current one expires, so the code on screen always works.
const REFRESH_MARGIN_MS = 60_000;

const qr = document.getElementById("qr");
const status = document.getElementById("status");
const hint = document.getElementById("hint");
const state = { socket: null, challengeId: null, refreshTimer: null, reconnectDelay: 1000 };
window.countersignKiosk = state;

function show(name, text) {
  document.body.dataset.state = name;
  status.textContent = text;
}

function connect() {
  if (!tenantId) {
    show("error", "This page needs ?tenantId=… in its address.");
    return;
  }
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws-v1-challenge";
  const socket = new WebSocket(url, ["authsignal-ws", "x.authsignal.tenant." + tenantId]);
  state.socket = socket;
  show("connecting", "Connecting…");
  socket.onopen = () => {
    state.reconnectDelay = 1000;
    createChallenge();
  };
  socket.onmessage = (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    handle(message.type, message.data || {});
  };
  socket.onclose = () => {
    clearTimeout(state.refreshTimer);
    state.socket = null;
    qr.hidden = true;
    show("connecting", "Reconnecting…");
    setTimeout(connect, state.reconnectDelay);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 30_000);
  };
}

// A used code leaves the screen: the outcome is shown until the next challenge's code replaces it.
function finished() {
  qr.hidden = true;
  qr.removeAttribute("src");
  delete qr.dataset.modulePixels;
  hint.hidden = true;
}

// The code is drawn at a whole number of device pixels per module (the SVG's intrinsic size is one
// pixel per module): at a fractional pitch modules come out of uneven width and scanners misread some.
function fitQr() {
  const modules = qr.naturalWidth;
  if (!modules) return;
  const scale = window.devicePixelRatio || 1;
  const box = Math.min(0.7 * Math.min(window.innerWidth, window.innerHeight), 420) * scale;
  const pitch = Math.max(1, Math.floor(box / modules));
  qr.style.width = qr.style.height = (pitch * modules) / scale + "px";
  qr.dataset.modulePixels = String(pitch);
}
qr.addEventListener("load", fitQr);
window.addEventListener("resize", fitQr);

function createChallenge() {
  clearTimeout(state.refreshTimer);
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify({ type: "CREATE_CHALLENGE", data: { challengeType: "QR_CODE", actionCode: action } }));
  }
}

function handle(type, data) {
  if (type === "CHALLENGE_CREATED") {
    state.challengeId = data.challengeId;
    document.body.dataset.challengeId = data.challengeId;
    delete qr.dataset.modulePixels;
    qr.src = "/kiosk/qr.svg?challengeId=" + encodeURIComponent(data.challengeId);
    qr.hidden = false;
    hint.hidden = false;
    show("unclaimed", "Scan the code with your app.");
    const refreshIn = Math.max(5_000, Date.parse(data.expiresAt) - Date.now() - REFRESH_MARGIN_MS);
    state.refreshTimer = setTimeout(createChallenge, refreshIn);
  } else if (type === "STATE_CHANGE" && data.challengeId === state.challengeId) {
    if (data.state === "claimed") {
      show("claimed", "Code scanned — confirm on your phone.");
    } else if (data.state === "approved") {
      clearTimeout(state.refreshTimer);
      finished();
      show("approved", "Approved. Welcome!");
      window.dispatchEvent(new CustomEvent("countersign:approved", { detail: { challengeId: data.challengeId, accessToken: data.accessToken } }));
      state.refreshTimer = setTimeout(createChallenge, resultMillis);
    } else if (data.state === "rejected") {
      clearTimeout(state.refreshTimer);
      finished();
      show("rejected", "Declined on the phone.");
      state.refreshTimer = setTimeout(createChallenge, resultMillis);
    }
  } else if (type === "ERROR") {
    show("error", "Cannot start a sign-in: " + (data.errorDescription || data.error || "unknown error"));
    state.refreshTimer = setTimeout(createChallenge, 30_000);
  }
}

connect();
