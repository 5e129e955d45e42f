/**
 * The strings of the recorder of voice and video messages
 * (`<contact-me-recorder>`) and of the buttons that offer it, with their
 * defaults. Part of `<contact-me>`'s strings: a site overrides any of them
 * with the element's `strings`.
 * @module
 */

/** Strings of the recorder and its offers. */
export const recorderStrings = {
  /** Offers a voice message: in the menu while the host is away, after a call that did not connect. */
  leaveVoiceMessage: "Leave a voice message",
  /** Offers a video message, where {@link leaveVoiceMessage} is. */
  leaveVideoMessage: "Leave a video message",
  /** Beside the message box: record a voice message. */
  recordVoice: "Voice message",
  /** Beside the message box: record a video message. */
  recordVideo: "Video message",
  /** Heading of the recorder for a voice message. */
  voiceMessageTitle: "Voice message",
  /** Heading of the recorder for a video message. */
  videoMessageTitle: "Video message",
  /** While the browser asks for the microphone (and camera). */
  recorderStarting: "Waiting for your microphone…",
  /** The running time and the longest a message may be: `{time}` and `{limit}`, both `m:ss`. */
  recorderTime: "{time} / {limit}",
  /** Accessible name of the level meter. */
  recorderLevel: "Microphone level",
  /** Accessible name of the live picture while a video message records. */
  recorderCamera: "Your camera",
  /** Accessible name of the recording to play back before sending. */
  recorderPreview: "Your recording",
  /** Stops the recording. */
  recorderStop: "Stop",
  /** Throws the recording away and records again. */
  recorderAgain: "Re-record",
  /** Sends the recording. */
  recorderSend: "Send",
  /** Leaves the recorder; nothing is sent. */
  recorderCancel: "Cancel",
  /** While the recording uploads, with `{percent}` sent. */
  recorderSending: "Sending… {percent}%",
  /** Once the recording stopped by itself at the limit, `{limit}` as `m:ss`. */
  recorderLimitReached: "The recording stopped at the {limit} limit.",
  /** The browser (or the visitor) did not allow the microphone or camera. */
  recorderDenied: "The browser did not allow the microphone. Allow it in the address bar, then try again.",
  /** {@link recorderDenied} for a video message. */
  recorderDeniedVideo: "The browser did not allow the camera and microphone. Allow them in the address bar, then try again.",
  /** No microphone was found. */
  recorderNoMicrophone: "No microphone found.",
  /** No camera was found (video message). */
  recorderNoCamera: "No camera found.",
  /** The microphone or camera is used by another program. */
  recorderBusy: "The microphone or camera is in use by another program.",
  /** Recording failed for another reason. */
  recorderFailed: "The recording did not work in this browser.",
  /** The upload failed; the recording is kept to send again. */
  recorderSendFailed: "The recording could not be sent. Try again.",
  /** The room refused the recording as too long or too large. */
  recorderTooLarge: "The recording is too long or too large to send.",
};

export type RecorderStrings = typeof recorderStrings;
