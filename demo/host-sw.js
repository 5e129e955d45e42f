// The dashboard's service worker (scope /host.html). Plain JavaScript, no build.
//
// Offline: it keeps the page and the files it loads (same origin, GET,
// outside /parties/) in a cache, fetching them from the network first so an
// update shows at once, and from the cache when the network is gone. The room
// itself (WebSockets, /parties/) is never cached: the dashboard says
// "Reconnecting…" until it is back.
//
// Notifications: the room pushes a JSON payload (protocol/push.ts, PushPayload)
// to each device a host turned on with "Notify this device":
// - `call`: "Video call from Ada" / "Audio call from a visitor", the page in
//   the body, tagged `call-<callId>`, staying until acted on, with Answer and
//   Decline;
// - `call-end`: that call's notification is closed; a `missed` call shows
//   "Missed video call from Ada" in its place (same tag);
// - `message`: titled with the visitor's name (or "New message"), the text in
//   the body ("3 new messages" when several wait), one per conversation
//   (`conversation-<id>`).
// While a dashboard window of this scope has the focus, nothing is shown: the
// payload is posted to that window instead ({type: "contact-me-push", payload}),
// which hears the room itself. Once a push is handled, the worker says so on
// the BroadcastChannel "contact-me-push" ({type: "contact-me-push-handled",
// payload, shown}: whether it showed a notification), for any page of the origin.
// A click: Answer (or the call's notification itself) focuses an open
// dashboard window and tells it {type: "contact-me-open", room, params:
// {answer: <callId>}} (no navigation: a call in progress there goes on), or
// opens host.html?room=<room>&answer=<callId>; Decline posts {callId, token}
// to the room's /decline, with no window; a message does the same with
// {conversation: <id>}; a missed call brings up the room's dashboard.
const CACHE = "contact-me-dashboard-v1";
/** The page's files with stable names; the code's hashed chunks are kept as they load. */
const SHELL = ["/host.html", "/site.css", "/room.js", "/app.js", "/dist/index.js", "/icons/icon-192.png", "/icons/icon-512.png"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("contact-me-dashboard-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/parties/")) return;
  // The page is one, whatever its query (?room=…).
  const key = request.mode === "navigate" ? new Request(url.pathname) : request;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key, copy)));
        }
        return response;
      })
      .catch(async () => (await caches.match(key)) ?? Response.error()),
  );
});

// ------------------------------------------------------------------ notifications

/** The notification a push payload asks for: `{title, options}`, or null for none (a call that ended, unless missed). */
function notificationFor(payload) {
  const who = payload.name;
  if (payload.type === "call") {
    const media = payload.media === "video" ? "Video" : "Audio";
    return {
      title: who ? `${media} call from ${who}` : `${media} call from a visitor`,
      options: {
        body: payload.page || "",
        tag: `call-${payload.callId}`,
        requireInteraction: true,
        renotify: true,
        actions: [
          { action: "answer", title: "Answer" },
          { action: "decline", title: "Decline" },
        ],
        data: payload,
      },
    };
  }
  if (payload.type === "call-end") {
    if (payload.state !== "missed") return null;
    const media = payload.media === "video" ? "video" : "audio";
    return {
      title: who ? `Missed ${media} call from ${who}` : `Missed ${media} call from a visitor`,
      options: { body: "", tag: `call-${payload.callId}`, renotify: true, data: payload },
    };
  }
  if (payload.type === "message") {
    return {
      title: who || "New message",
      options: {
        body: payload.unseen > 1 ? `${payload.unseen} new messages` : payload.text,
        tag: `conversation-${payload.conversationId}`,
        renotify: true,
        data: payload,
      },
    };
  }
  return null;
}

/** The dashboard windows of this worker's scope, the focused ones first. */
async function dashboards() {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const scope = self.registration.scope;
  return windows.filter((w) => w.url.startsWith(scope)).sort((a, b) => Number(b.focused) - Number(a.focused));
}

/**
 * Show (or close) what a push payload asks for, unless a dashboard window has the focus.
 * @returns whether a notification was shown
 */
async function onPushPayload(payload) {
  if (!payload || typeof payload.type !== "string") return false;
  if (payload.type === "call-end") {
    for (const n of await self.registration.getNotifications({ tag: `call-${payload.callId}` })) n.close();
  }
  const focused = (await dashboards()).find((w) => w.focused);
  if (focused) {
    focused.postMessage({ type: "contact-me-push", payload });
    return false;
  }
  const shown = notificationFor(payload);
  if (!shown) return false;
  await self.registration.showNotification(shown.title, shown.options);
  return true;
}

/** Say on the "contact-me-push" BroadcastChannel that a push was handled. */
function announce(payload, shown) {
  if (typeof BroadcastChannel !== "function") return;
  const channel = new BroadcastChannel("contact-me-push");
  channel.postMessage({ type: "contact-me-push-handled", payload, shown });
  channel.close();
}

/** The dashboard's URL for `room`, with `params` (relative to this worker's scope). */
function dashboardUrl(room, params) {
  const url = new URL(self.registration.scope);
  url.search = new URLSearchParams({ room, ...params }).toString();
  return url.href;
}

/**
 * Bring a dashboard to `params` (`answer` or `conversation`) of `room`: an
 * open dashboard window is focused and told (`{type: "contact-me-open", room,
 * params}`, which the page hands to its element: never a navigation, which
 * would drop a call in progress there); with none, a new window opens at the
 * dashboard's URL.
 */
async function openDashboard(room, params) {
  const [existing] = await dashboards();
  if (existing) {
    const focused = await existing.focus().catch(() => existing);
    (focused || existing).postMessage({ type: "contact-me-open", room, params });
    return focused || existing;
  }
  return self.clients.openWindow(dashboardUrl(room, params));
}

/** Decline a call from its notification: `POST /parties/main/<room>/decline` with the push's token. */
async function declineCall(payload) {
  const res = await fetch(`${payload.origin}/parties/main/${encodeURIComponent(payload.room)}/decline`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ callId: payload.callId, token: payload.declineToken || "" }),
  });
  await res.text();
  return res.status;
}

/** What a click on a notification (or on one of its `action` buttons) does. */
async function onNotificationClick(notification, action) {
  const payload = notification.data || {};
  notification.close();
  if (payload.type === "call") {
    if (action === "decline") return declineCall(payload);
    return openDashboard(payload.room, { answer: payload.callId });
  }
  if (payload.type === "message") return openDashboard(payload.room, { conversation: payload.conversationId });
  if (payload.type === "call-end") return openDashboard(payload.room, {});
}

self.addEventListener("push", (event) => {
  let payload;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = null;
  }
  event.waitUntil(onPushPayload(payload).then((shown) => announce(payload, shown)));
});

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(onNotificationClick(event.notification, event.action));
});
