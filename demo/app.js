// The dashboard page as an installable app: the room's web app manifest
// (its start URL opens this room's dashboard) and the service worker that
// keeps the page's files, so the dashboard opens without a network and says
// it is reconnecting. Service workers need a secure context (https, or localhost).
const room = new URLSearchParams(location.search).get("room") || document.querySelector("contact-me-host")?.getAttribute("room") || "default";
const manifest = document.createElement("link");
manifest.rel = "manifest";
manifest.href = `/parties/main/${encodeURIComponent(room)}/host.webmanifest`;
document.head.append(manifest);
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/host-sw.js", { scope: "/host.html" }).catch((err) => console.warn("contact-me: no offline dashboard:", err));
}
