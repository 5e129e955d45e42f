// Demo only (runs before the widget script, so elements upgrade with the right room):
// (or tests) can share one server without meeting each other.
const room = new URLSearchParams(location.search).get("room");
if (room) for (const el of document.querySelectorAll("contact-me, contact-me-host")) el.setAttribute("room", room);
