/**
 * The widget playground's script (`npm run dev:widget`): `<contact-me>` and
 * `<contact-me-host>` from source, as their script tags register them, talking
 * to `npm start`'s room (`127.0.0.1:1999`) unless the query string says
 * otherwise: every parameter (`host`, `room`, `party`, `modes`, `position`,
 * `strings`) becomes an attribute of both elements.
 * @module
 */
const elements = document.querySelectorAll("contact-me, contact-me-host");
for (const [name, value] of new URLSearchParams(location.search)) {
  for (const element of elements) element.setAttribute(name, value);
}
const shown = document.querySelector("contact-me");
document.querySelector("#room")!.textContent = `${shown?.getAttribute("host")}, room ${shown?.getAttribute("room") ?? "default"}`;

// Registered after the attributes are set, so each element starts with them.
void import("../widget/contact-me/script.ts");
void import("../widget/contact-me-host/script.ts");
