/**
 * The parts of `<contact-me-meeting>`, apart from its module so the elements
 * that hold it can export them without loading it.
 * @module
 */

/**
 * Each part of the meeting view, and the name under which `<contact-me>` and
 * `<contact-me-host>` export it: `meeting-` before it, so it meets none of the
 * call view's (`mute`, `controls`, `screen-tile`…). The join form is
 * `meeting-join`, since the dashboard's `meeting-form` creates meetings.
 */
export const MEETING_PARTS = {
  form: "meeting-join",
  status: "meeting-status",
  error: "meeting-error",
  grid: "meeting-grid",
  tile: "meeting-tile",
  "tile-local": "meeting-tile-local",
  "tile-speaking": "meeting-tile-speaking",
  "tile-video": "meeting-tile-video",
  "tile-name": "meeting-tile-name",
  "tile-muted": "meeting-tile-muted",
  "tile-state": "meeting-tile-state",
  "screen-tile": "meeting-screen-tile",
  "screen-label": "meeting-screen-label",
  controls: "meeting-controls",
  mute: "meeting-mute",
  camera: "meeting-camera",
  "share-screen": "meeting-share-screen",
  leave: "meeting-leave",
  close: "meeting-close",
} as const;

/** The `exportparts` of a `<contact-me-meeting>` inside `<contact-me>` or `<contact-me-host>` (`inner: outer, …`). */
export const MEETING_EXPORTS = Object.entries(MEETING_PARTS)
  .map(([inner, outer]) => `${inner}: ${outer}`)
  .join(", ");
