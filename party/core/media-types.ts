/**
 * The file types a conversation takes (attachments and recorded messages),
 * and whether a file's first bytes are what its declared type says: the
 * signatures of the WHATWG MIME Sniffing Standard
 * (https://mimesniff.spec.whatwg.org/#matching-an-image-type-pattern, §6.2
 * audio and video, §7.1 PDF) and the formats' own specifications. A file
 * whose bytes do not match its declared type is refused, so an `.html` file
 * renamed `.png` is never stored as an image. The list of types itself is
 * the protocol's (`protocol/media.ts`), shared with the widget.
 * @module
 */

import { MEDIA_TYPES, mediaType, type MediaKind, type MediaType } from "../../protocol/media.ts";

export { MEDIA_TYPES, mediaType, type MediaKind, type MediaType };

/** How many leading bytes {@link matchesType} needs at most. */
export const SNIFF_BYTES = 64;

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}
function contains(bytes: Uint8Array, needle: Uint8Array, within: number): boolean {
  const end = Math.min(bytes.length, within) - needle.length;
  for (let i = 0; i <= end; i++) if (startsWith(bytes, needle, i)) return true;
  return false;
}

/**
 * Text: valid UTF-8 (a BOM allowed) without the control bytes binary files
 * have (NUL and the C0 controls other than tab, line feed, form feed and
 * carriage return, and ESC), as the sniffing standard's "binary data byte" (§7.2).
 */
function isText(head: Uint8Array, complete: boolean): boolean {
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return false;
  try {
    // A head cut inside a multi-byte character is still text: decode only whole characters.
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(head, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the first bytes of a file (at least {@link SNIFF_BYTES} of them,
 * or the whole file if shorter) are of type `type`.
 * @param complete `head` is the whole file (text may then end anywhere)
 */
export function matchesType(type: MediaType, head: Uint8Array, complete = false): boolean {
  switch (type) {
    case "image/png":
      return startsWith(head, Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a));
    case "image/jpeg":
      return startsWith(head, Uint8Array.of(0xff, 0xd8, 0xff));
    case "image/gif":
      return startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"));
    case "image/webp":
      return startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBPVP"), 8);
    case "application/pdf":
      return startsWith(head, ascii("%PDF-"));
    case "text/plain":
      return isText(head, complete);
    case "audio/webm":
    case "video/webm":
      // An EBML header whose DocType is "webm".
      return startsWith(head, Uint8Array.of(0x1a, 0x45, 0xdf, 0xa3)) && contains(head, Uint8Array.of(0x42, 0x82, 0x84, ...ascii("webm")), SNIFF_BYTES);
    case "audio/mp4":
    case "video/mp4":
      // An ISO BMFF file: its first box is `ftyp`.
      return startsWith(head, ascii("ftyp"), 4);
    case "audio/ogg":
      return startsWith(head, ascii("OggS\0"));
  }
}
