/**
 * The file types a conversation takes (attachments and recorded messages),
 * shared by the room (which refuses any other with `415 unsupported_type`,
 * and checks each file's first bytes against its type: `party/core/media-types.ts`)
 * and the widget (which offers only these in its file picker).
 * @module
 */

/** What a conversation may carry, by MIME type (no parameters), and what kind of file each is. */
export const MEDIA_TYPES = {
  "image/png": "image",
  "image/jpeg": "image",
  "image/webp": "image",
  "image/gif": "image",
  "application/pdf": "document",
  "text/plain": "document",
  "audio/webm": "recording",
  "video/webm": "recording",
  "audio/mp4": "recording",
  "video/mp4": "recording",
  "audio/ogg": "recording",
} as const;
export type MediaType = keyof typeof MEDIA_TYPES;
/**
 * `image` (shown inline as a thumbnail), `recording` (played inline; its
 * upload declares `durationS`) or `document` (downloaded: served with
 * `Content-Disposition: attachment`).
 */
export type MediaKind = (typeof MEDIA_TYPES)[MediaType];

/** The MIME type without parameters, lower-cased (`"audio/webm;codecs=opus"` → `"audio/webm"`), when one of {@link MEDIA_TYPES}. */
export function mediaType(declared: string): MediaType | undefined {
  const essence = declared.split(";")[0]!.trim().toLowerCase();
  return Object.hasOwn(MEDIA_TYPES, essence) ? (essence as MediaType) : undefined;
}
