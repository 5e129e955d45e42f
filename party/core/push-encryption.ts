/**
 * Web Push message encryption, `aes128gcm` (RFC 8291, over the encrypted
 * content coding of RFC 8188), with Web Crypto only, so it runs on Workers.
 * The npm libraries that run there encrypt with the older draft `aesgcm`
 * coding, which push services (Apple's among them) refuse; this module does
 * what RFC 8291 §3.4 says, and its test reproduces the RFC's Appendix A
 * example byte for byte.
 *
 * A push message is one record (RFC 8291 §4): the body is
 * `salt (16) ‖ rs (4, big-endian) ‖ idlen (1) = 65 ‖ keyid = the sender's
 * ephemeral public key (65) ‖ AES-128-GCM(plaintext ‖ 0x02)`.
 * @module
 */

/** The record size written in the header (RFC 8291 §4: at least 4096 is what push services take). */
export const RECORD_SIZE = 4096;
/** The longest body a push service must accept (RFC 8030 §7.2), in bytes. */
export const MAX_PUSH_BODY = 4096;
/** Header bytes: salt, record size, key id length, key id. */
const HEADER = 16 + 4 + 1 + 65;
/** The longest plaintext that fits one push message: the body less its header, delimiter and GCM tag. */
export const MAX_PUSH_PLAINTEXT = MAX_PUSH_BODY - HEADER - 1 - 16;

/** A push subscription's keys (`PushSubscription.getKey()`, or `toJSON().keys` decoded from base64url). */
export interface PushKeys {
  /** The user agent's P-256 public key, uncompressed (65 bytes, starting 0x04). */
  p256dh: Uint8Array;
  /** The authentication secret (16 bytes). */
  auth: Uint8Array;
}

/** Fixed inputs, for reproducing a known example only: a fresh salt and key pair are made for every message otherwise. */
export interface EncryptionInputs {
  /** 16 random bytes. */
  salt: Uint8Array;
  /** The sender's ephemeral ECDH P-256 key pair; its public key becomes the header's key id. */
  senderKeys: CryptoKeyPair;
}

const ECDH = { name: "ECDH", namedCurve: "P-256" } as const;
const bytes = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** HKDF-SHA-256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes. */
async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", concat(ikm), "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: concat(salt), info: concat(info) }, key, length * 8));
}

/**
 * Encrypt `plaintext` for the subscription with `keys`: the body of a push
 * message, to send with `Content-Encoding: aes128gcm`.
 * @param plaintext at most {@link MAX_PUSH_PLAINTEXT} bytes
 * @throws RangeError when the plaintext is too long, or the keys are not a P-256 point and a 16-byte secret
 */
export async function encryptPush(plaintext: Uint8Array, keys: PushKeys, inputs?: EncryptionInputs): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length > MAX_PUSH_PLAINTEXT) throw new RangeError(`push payload of ${plaintext.length} bytes exceeds ${MAX_PUSH_PLAINTEXT}`);
  if (keys.p256dh.length !== 65 || keys.p256dh[0] !== 0x04) throw new RangeError("p256dh must be an uncompressed P-256 public key (65 bytes)");
  if (keys.auth.length !== 16) throw new RangeError("auth must be 16 bytes");
  const salt = inputs?.salt ?? crypto.getRandomValues(new Uint8Array(16));
  const sender = inputs?.senderKeys ?? ((await crypto.subtle.generateKey(ECDH, true, ["deriveBits"])) as CryptoKeyPair);
  const senderPublic = new Uint8Array((await crypto.subtle.exportKey("raw", sender.publicKey)) as ArrayBuffer);
  const receiver = await crypto.subtle.importKey("raw", concat(keys.p256dh), ECDH, false, []);
  // RFC 8291 §3.3–3.4: the shared secret, mixed with the auth secret and both public keys.
  // (Cloudflare's types spell the member `$public`; its runtime, like every other, reads `public`.)
  const derive = { name: "ECDH", public: receiver } as unknown as Parameters<typeof crypto.subtle.deriveBits>[0];
  const shared = new Uint8Array(await crypto.subtle.deriveBits(derive, sender.privateKey, 256));
  const ikm = await hkdf(keys.auth, shared, concat(bytes("WebPush: info\0"), keys.p256dh, senderPublic), 32);
  // RFC 8188 §2.2–2.3: the content encryption key and nonce (record 0: the nonce as derived).
  const cek = await hkdf(salt, ikm, bytes("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, bytes("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  // One record, the last: the plaintext and the 0x02 delimiter, no padding.
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, tagLength: 128 }, key, concat(plaintext, Uint8Array.of(2))));
  const header = new Uint8Array(HEADER);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = 65;
  header.set(senderPublic, 21);
  return concat(header, sealed);
}
