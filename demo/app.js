// The dashboard page as an installable app: the room's web app manifest
// (its start URL opens this room's dashboard) and the service worker that
// keeps the page's files, so the dashboard opens without a network and says
// it is reconnecting; the same worker shows the room's push notifications.
// Service workers need a secure context (https, or localhost).
//
// Opened from a notification (host.html?room=…&answer=<callId>, or
// …&conversation=<id>), the page hands those to <contact-me-host> as its
// `answer` and `conversation` attributes and drops them from the address, so
// a reload does not answer again.
const params = new URLSearchParams(location.search);
const room = params.get("room") || document.querySelector("contact-me-host")?.getAttribute("room") || "default";
const manifest = document.createElement("link");
manifest.rel = "manifest";
manifest.href = `/parties/main/${encodeURIComponent(room)}/host.webmanifest`;
document.head.append(manifest);
const asked = ["answer", "conversation"].filter((name) => params.get(name));
if (asked.length) {
  for (const el of document.querySelectorAll("contact-me-host")) for (const name of asked) el.setAttribute(name, params.get(name));
  for (const name of asked) params.delete(name);
  const search = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${search ? `?${search}` : ""}${location.hash}`);
}
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/host-sw.js", { scope: "/host.html" }).catch((err) => console.warn("contact-me: no offline dashboard:", err));
}
