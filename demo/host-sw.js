// The dashboard's service worker (scope /host.html): keeps the page and the
// files it loads (same origin, GET, outside /parties/) in a cache, fetching
// them from the network first so an update shows at once, and from the cache
// when the network is gone. The room itself (WebSockets, /parties/) is never
// cached: the dashboard says "Reconnecting…" until it is back.
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
