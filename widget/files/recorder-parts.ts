/**
 * The parts of `<contact-me-recorder>`, apart from its module so the panel
 * can export them without loading the recorder.
 * @module
 */

/** The recorder's parts, for the `exportparts` of the elements that contain it. */
export const RECORDER_PARTS = [
  "recorder-title",
  "recorder-status",
  "recorder-camera",
  "recorder-level",
  "recorder-time",
  "recorder-preview",
  "recorder-progress",
  "recorder-error",
  "recorder-stop",
  "recorder-again",
  "recorder-send",
  "recorder-cancel",
] as const;
