/// <reference types="node" />
/**
 * What a browser does with a Web Push message's body (RFC 8291 §3.4 over
 * RFC 8188 §2, one record), with Node's crypto: independent of the room's
 * code, for tests and the push-service stand-in.
 * @module
 */
import { createDecipheriv, createECDH, hkdfSync } from "node:crypto";

/**
 * Decrypt `body` with the subscription's private key, public key and auth secret.
 * @throws Error when the header, the tag or the delimiter is wrong
 */
export function decryptPush(body: Uint8Array, uaPrivate: Uint8Array, uaPublic: Uint8Array, auth: Uint8Array): { text: string; recordSize: number } {
  const b = Buffer.from(body);
  if (b.length < 21 + 65 + 17) throw new Error(`body of ${b.length} bytes is too short`);
  const salt = b.subarray(0, 16);
  const recordSize = b.readUInt32BE(16);
  const idlen = b[20]!;
  if (idlen !== 65) throw new Error(`key id of ${idlen} bytes, not a P-256 public key`);
  const senderPublic = b.subarray(21, 21 + idlen);
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(uaPrivate));
  const shared = ecdh.computeSecret(senderPublic);
  const ikm = Buffer.from(hkdfSync("sha256", shared, auth, Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, senderPublic]), 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const sealed = b.subarray(21 + idlen);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const padded = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter (0x02)");
  return { text: padded.subarray(0, end).toString("utf8"), recordSize };
}
