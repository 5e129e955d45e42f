// The dashboard page as an installable app: the room's web app manifest
// (its start URL opens this room's dashboard) and the service worker that
// keeps the page's files, so the dashboard opens without a network and says
// it is reconnecting; the same worker shows the room's push notifications.
// Service workers need a secure context (https, or localhost).
//
// Opened from a notification (host.html?room=…&answer=<callId>, or
// …&conversation=<id>), the page hands those to <contact-me-host> as its
// `answer` and `conversation` attributes and drops them from the address, so
// a reload does not answer again; a notification clicked while the page is
// open comes as a message from the worker, handed over the same way.
const params = new URLSearchParams(location.search);
const room = params.get("room") || document.querySelector("contact-me-host")?.getAttribute("room") || "default";
const manifest = document.createElement("link");
manifest.rel = "manifest";
manifest.href = `/parties/main/${encodeURIComponent(room)}/host.webmanifest`;
document.head.append(manifest);
/** Hand `answer` and `conversation` of `given` (a URLSearchParams or an object) to the dashboard element. */
function handOver(given) {
  for (const name of ["answer", "conversation"]) {
    const value = given instanceof URLSearchParams ? given.get(name) : given[name];
    if (typeof value === "string" && value) for (const el of document.querySelectorAll("contact-me-host")) el.setAttribute(name, value);
  }
}
const asked = ["answer", "conversation"].filter((name) => params.get(name));
if (asked.length) {
  handOver(params);
  for (const name of asked) params.delete(name);
  const search = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${search ? `?${search}` : ""}${location.hash}`);
}
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/host-sw.js", { scope: "/host.html" }).catch((err) => console.warn("contact-me: no offline dashboard:", err));
  // A notification clicked while this window is open: the worker says what to open here,
  // so a call in progress in this window goes on. Another room's dashboard goes there.
  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || data.type !== "contact-me-open" || typeof data.room !== "string" || typeof data.params !== "object" || !data.params) return;
    if (data.room === room) return handOver(data.params);
    location.assign(`${location.pathname}?${new URLSearchParams({ room: data.room, ...data.params })}`);
  });
  navigator.serviceWorker.startMessages();
}
