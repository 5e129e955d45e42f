/// <reference types="node" />
// A push request as a push service checks it (RFC 8030, RFC 8292): the VAPID
// token verifies against the key it names (ES256, aud = the endpoint's
// origin, exp within 24 h, sub), the delivery headers, and a body the
// subscription's keys decrypt.
import assert from "node:assert/strict";
import { createECDH } from "node:crypto";
import { test } from "node:test";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { generateVapidKeys, publicKeyOf, pushRequest, vapidAuthorization, vapidKeysFrom, vapidPairMatches } from "../../party/core/vapid.ts";
import { decryptPush } from "../support/push-decrypt.ts";

const ENDPOINT = "https://push.example.net/wpush/v2/abc123";
const SUBJECT = "mailto:owner@example.com";

/** A subscription as a browser makes one: a P-256 key pair and a 16-byte auth secret. */
function subscription() {
  const ua = createECDH("prime256v1");
  ua.generateKeys();
  const auth = crypto.getRandomValues(new Uint8Array(16));
  return {
    json: { endpoint: ENDPOINT, keys: { p256dh: ua.getPublicKey().toString("base64url"), auth: Buffer.from(auth).toString("base64url") } },
    ua,
    auth,
  };
}

/** Verify `Authorization: vapid t=…, k=…` as a push service does; the token's claims. */
async function verifyVapid(header: string, endpoint: string) {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header);
  assert.ok(match, header);
  const [, token, k] = match;
  const point = Buffer.from(k!, "base64url");
  assert.equal(point.length, 65);
  const key = await importJWK({ kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") }, "ES256");
  assert.equal(decodeProtectedHeader(token!).alg, "ES256");
  const { payload } = await jwtVerify(token!, key, { audience: new URL(endpoint).origin });
  return payload;
}

test("a VAPID token verifies against its own key: ES256, for the push service's origin, at most 24 h, with the subject", async () => {
  const keys = await generateVapidKeys();
  assert.equal(publicKeyOf(keys.privateJwk), keys.publicKey);
  const now = Date.now();
  const claims = await verifyVapid(await vapidAuthorization(ENDPOINT, keys, SUBJECT, now), ENDPOINT);
  assert.equal(claims.aud, "https://push.example.net");
  assert.equal(claims.sub, SUBJECT);
  assert.ok(claims.exp! > now / 1000 && claims.exp! <= now / 1000 + 24 * 3600, `exp ${claims.exp}`);
  // Another key's token does not verify with this one.
  const other = await generateVapidKeys();
  const forged = (await vapidAuthorization(ENDPOINT, other, SUBJECT, now)).replace(/k=[\w-]+$/, `k=${keys.publicKey}`);
  await assert.rejects(verifyVapid(forged, ENDPOINT));
  await assert.rejects(vapidAuthorization(ENDPOINT, keys, "owner@example.com"), /mailto: or https:/);
  assert.throws(() => publicKeyOf({ kty: "EC", crv: "P-256" }), /private P-256 JWK/);
});

test("a push request: POST to the endpoint, aes128gcm, TTL, Urgency and Topic, and a body the subscription decrypts", async () => {
  const vapid = { keys: await generateVapidKeys(), subject: SUBJECT };
  const sub = subscription();
  const payload = JSON.stringify({ type: "call", callId: "c1", name: "Ada", media: "video" });
  const { url, init } = await pushRequest(sub.json, payload, { ttl: 60, urgency: "high", topic: "call-c1" }, vapid);
  const headers = init.headers as Record<string, string>;
  assert.equal(url, ENDPOINT);
  assert.equal(init.method, "POST");
  assert.deepEqual(
    { encoding: headers["content-encoding"], type: headers["content-type"], ttl: headers.ttl, urgency: headers.urgency, topic: headers.topic },
    { encoding: "aes128gcm", type: "application/octet-stream", ttl: "60", urgency: "high", topic: "call-c1" },
  );
  await verifyVapid(headers.authorization!, ENDPOINT);
  const { text } = decryptPush(init.body as Uint8Array, sub.ua.getPrivateKey(), sub.ua.getPublicKey(), sub.auth);
  assert.equal(text, payload);
  await assert.rejects(pushRequest(sub.json, payload, { ttl: 60, topic: "not a topic!" }, vapid), /topic/);
});

test("VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY as generators print them make a pair that signs; a mismatched or malformed pair is refused", async () => {
  // As `web-push generate-vapid-keys` prints them: the raw point and the raw scalar, base64url.
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const publicKey = ecdh.getPublicKey().toString("base64url");
  const privateKey = ecdh.getPrivateKey().toString("base64url");
  const keys = vapidKeysFrom(publicKey, privateKey);
  assert.equal(keys.publicKey, publicKey);
  assert.equal(publicKeyOf(keys.privateJwk), publicKey);
  assert.equal(await vapidPairMatches(keys), true);
  const claims = await verifyVapid(await vapidAuthorization(ENDPOINT, keys, SUBJECT), ENDPOINT);
  assert.equal(claims.sub, SUBJECT);

  const other = createECDH("prime256v1");
  other.generateKeys();
  assert.equal(await vapidPairMatches(vapidKeysFrom(other.getPublicKey().toString("base64url"), privateKey)), false, "another key's public half");
  assert.throws(() => vapidKeysFrom(publicKey.slice(0, 40), privateKey), /VAPID_PUBLIC_KEY: expected an uncompressed P-256 point/);
  assert.throws(() => vapidKeysFrom(publicKey, "not base64url!"), /VAPID_PRIVATE_KEY: expected base64url/);
  assert.throws(() => vapidKeysFrom(publicKey, privateKey.slice(0, 20)), /VAPID_PRIVATE_KEY: expected a P-256 private key/);
});
