/**
 * How a call reads in text: its running time, and its entry in a
 * conversation's timeline ("Video call · ringing", "Video call · with Ada ·
 * 3:12", "Audio call · missed"), the same on both elements and in an export.
 * @module
 */
import type { CallLog } from "../../protocol/socket.ts";
import { format } from "../strings.ts";
import type { CallStrings } from "./call.strings.ts";

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** The strings a call's timeline entry uses. */
export type CallLogStrings = Pick<
  CallStrings,
  | "callLogAudio"
  | "callLogVideo"
  | "callLogWith"
  | "callLogRinging"
  | "callLogInCall"
  | "callLogMissed"
  | "callLogDeclined"
  | "callLogCancelled"
  | "callLogFailed"
>;

/**
 * A call's timeline entry as one line: the media, then where it stands —
 * ringing, in progress with whom, answered (with whom and how long), or
 * how else it ended.
 */
export function callLogText(log: CallLog, s: CallLogStrings): string {
  const parts = [log.media === "video" ? s.callLogVideo : s.callLogAudio];
  switch (log.state) {
    case "ringing":
      parts.push(s.callLogRinging);
      break;
    case "in-call":
      if (log.by) parts.push(format(s.callLogWith, { name: log.by }));
      parts.push(s.callLogInCall);
      break;
    case "answered":
      if (log.by) parts.push(format(s.callLogWith, { name: log.by }));
      parts.push(formatDuration(log.durationS ?? 0));
      break;
    case "missed":
      parts.push(s.callLogMissed);
      break;
    case "declined":
      parts.push(s.callLogDeclined);
      break;
    case "cancelled":
      parts.push(s.callLogCancelled);
      break;
    case "failed":
      parts.push(s.callLogFailed);
      break;
  }
  return parts.join(" · ");
}
