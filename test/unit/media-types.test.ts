/// <reference types="node" />
// The file types a conversation takes, and the check of a file's first bytes
// against its declared type (WHATWG MIME Sniffing signatures).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MEDIA_TYPES, matchesType, mediaType, type MediaType } from "../../party/core/media-types.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s/g, ""), "hex"));
const text = (s: string) => new TextEncoder().encode(s);

/** The first bytes of a real file of each type. */
const SAMPLES: Record<MediaType, Uint8Array> = {
  // A 1×1 grey PNG, whole.
  "image/png": hex("89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154789c636000000002000148afa4710000000049454e44ae426082"),
  "image/jpeg": hex("ffd8ffe000104a46494600010100000100010000ffdb0043"),
  "image/webp": hex("52494646 24000000 57454250 5650384c 17000000 2f000000"),
  "image/gif": text("GIF89a\u0001\u0000\u0001\u0000"),
  "application/pdf": text("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj"),
  "text/plain": text("Hello — here is my order number: 1234\r\n\tthanks"),
  // The EBML header Chromium's MediaRecorder writes (DocType "webm").
  "audio/webm": hex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701ffffffffffffff"),
  "video/webm": hex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701ffffffffffffff"),
  "audio/mp4": hex("00000020 66747970 4d344120 00000000 4d344120 6d703432 69736f6d 00000000"),
  "video/mp4": hex("00000018 66747970 6d703432 00000000 6d703432 69736f6d"),
  "audio/ogg": hex("4f676753 0002 0000000000000000 1234abcd 00000000 00000000 01 13 4f707573486561640101"),
};

describe("media types", () => {
  it("takes a declared type without its parameters, case-insensitively, only among the listed ones", () => {
    assert.equal(mediaType("audio/webm;codecs=opus"), "audio/webm");
    assert.equal(mediaType(" Image/PNG "), "image/png");
    assert.equal(mediaType("text/html"), undefined);
    assert.equal(mediaType("image/svg+xml"), undefined, "SVG can carry script");
    assert.equal(mediaType("__proto__"), undefined);
  });

  it("matches each type's own first bytes, and no other type's", () => {
    for (const type of Object.keys(MEDIA_TYPES) as MediaType[]) {
      assert.equal(matchesType(type, SAMPLES[type], true), true, `${type} matches its sample`);
      for (const other of Object.keys(MEDIA_TYPES) as MediaType[]) {
        if (other === type || SAMPLES[other] === SAMPLES[type] || other.split("/")[1] === type.split("/")[1]) continue;
        // Text is text: the PDF and GIF samples are printable text too.
        if (type === "text/plain" && (other === "application/pdf" || other === "image/gif")) continue;
        assert.equal(matchesType(type, SAMPLES[other], true), false, `${other}'s bytes are not ${type}`);
      }
    }
  });

  it("refuses an HTML page renamed .png, a Matroska file called WebM, and binary called text", () => {
    const html = text("<!DOCTYPE html><html><script>alert(1)</script></html>");
    for (const type of ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "video/webm", "video/mp4"] as const) {
      assert.equal(matchesType(type, html, true), false, type);
    }
    const matroska = hex("1a45dfa3a34286810142f7810142f2810442f381084282886d6174726f736b61");
    assert.equal(matchesType("video/webm", matroska, true), false);
    assert.equal(matchesType("text/plain", hex("48656c6c6f00776f726c64"), true), false, "a NUL byte");
    assert.equal(matchesType("text/plain", hex("48656c6cff"), true), false, "not UTF-8");
  });

  it("takes a head of text cut inside a character, but not a whole file ending inside one", () => {
    const euro = text("price: 5 €");
    const cut = euro.subarray(0, euro.length - 1);
    assert.equal(matchesType("text/plain", cut, false), true);
    assert.equal(matchesType("text/plain", cut, true), false);
  });
});
