/// <reference types="node" />
// Web Push encryption (RFC 8291, aes128gcm): the RFC's own example (Appendix
// A) byte for byte, and what a browser does with a message: decrypt it, here
// with Node's crypto independently of the module (RFC 8291 §3.4, RFC 8188).
import assert from "node:assert/strict";
import { createECDH } from "node:crypto";
import { test } from "node:test";
import { MAX_PUSH_BODY, MAX_PUSH_PLAINTEXT, encryptPush } from "../../party/core/push-encryption.ts";
import { decryptPush } from "../support/push-decrypt.ts";

const b64u = (text: string) => new Uint8Array(Buffer.from(text, "base64url"));

/** RFC 8291, Appendix A. */
const RFC = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  auth: "BTBZMqHH6r4Tts7J_aSIgg",
  body: "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

/** The sender's key pair of the example, as Web Crypto keys. */
async function rfcSenderKeys(): Promise<CryptoKeyPair> {
  const pub = b64u(RFC.asPublic);
  const jwk = { kty: "EC", crv: "P-256", x: Buffer.from(pub.subarray(1, 33)).toString("base64url"), y: Buffer.from(pub.subarray(33)).toString("base64url") };
  const ecdh = { name: "ECDH", namedCurve: "P-256" };
  return {
    privateKey: await crypto.subtle.importKey("jwk", { ...jwk, d: RFC.asPrivate }, ecdh, true, ["deriveBits"]),
    publicKey: await crypto.subtle.importKey("jwk", jwk, ecdh, true, []),
  };
}

/** A browser's reading of a body: its text, the record size checked. */
function decrypt(body: Uint8Array, uaPrivate: Buffer, uaPublic: Uint8Array, auth: Uint8Array): string {
  const { text, recordSize } = decryptPush(body, uaPrivate, uaPublic, auth);
  assert.equal(recordSize, 4096, "record size");
  return text;
}

test("RFC 8291 Appendix A: the example's body, byte for byte", async () => {
  const body = await encryptPush(new TextEncoder().encode(RFC.plaintext), { p256dh: b64u(RFC.uaPublic), auth: b64u(RFC.auth) }, {
    salt: b64u(RFC.salt),
    senderKeys: await rfcSenderKeys(),
  });
  assert.equal(Buffer.from(body).toString("base64url"), RFC.body);
});

test("a message to a fresh subscription decrypts with its keys, with a fresh salt and sender key each time", async () => {
  const ua = createECDH("prime256v1");
  ua.generateKeys();
  const keys = { p256dh: new Uint8Array(ua.getPublicKey()), auth: crypto.getRandomValues(new Uint8Array(16)) };
  const text = JSON.stringify({ type: "call", name: "Ada", media: "video", note: "é👋" });
  const [one, two] = [await encryptPush(new TextEncoder().encode(text), keys), await encryptPush(new TextEncoder().encode(text), keys)];
  assert.equal(decrypt(one, ua.getPrivateKey(), keys.p256dh, keys.auth), text);
  assert.equal(decrypt(two, ua.getPrivateKey(), keys.p256dh, keys.auth), text);
  assert.notDeepEqual(one.subarray(0, 16), two.subarray(0, 16), "a fresh salt");
  assert.notDeepEqual(one.subarray(21, 86), two.subarray(21, 86), "a fresh sender key");
  const longest = await encryptPush(new Uint8Array(MAX_PUSH_PLAINTEXT).fill(97), keys);
  assert.equal(longest.length, MAX_PUSH_BODY, "the longest payload fills a push message exactly");
});

test("too long a payload, or keys that are not a subscription's, are refused", async () => {
  const ua = createECDH("prime256v1");
  ua.generateKeys();
  const keys = { p256dh: new Uint8Array(ua.getPublicKey()), auth: new Uint8Array(16) };
  await assert.rejects(encryptPush(new Uint8Array(MAX_PUSH_PLAINTEXT + 1), keys), RangeError);
  await assert.rejects(encryptPush(new Uint8Array(1), { ...keys, auth: new Uint8Array(15) }), /auth must be 16 bytes/);
  await assert.rejects(encryptPush(new Uint8Array(1), { ...keys, p256dh: keys.p256dh.subarray(1) }), /uncompressed P-256/);
});
