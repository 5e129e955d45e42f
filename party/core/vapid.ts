/**
 * Sending a Web Push message (RFC 8030 §5): the request a push service
 * takes, with the room identified by VAPID (RFC 8292) — an ES256 JWT signed
 * with the room's key pair (through `jose`), for the push service's origin,
 * valid at most 24 hours — and the payload encrypted for the subscription
 * (`push-encryption.ts`, `aes128gcm`).
 * @module
 */
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK } from "jose";
import { encryptPush, type PushKeys } from "./push-encryption.ts";

/** The room's VAPID key pair: the public key as browsers take it (`applicationServerKey`), the private one as a JWK. */
export interface VapidKeys {
  /** Uncompressed P-256 point, base64url (87 characters). */
  publicKey: string;
  /** The private key, a P-256 JWK with `d`. */
  privateJwk: JWK;
}

/** How long a VAPID token lasts, in seconds (RFC 8292 §2: at most 24 hours). */
export const VAPID_TOKEN_S = 12 * 60 * 60;

const b64u = (bytes: Uint8Array) => {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const fromB64u = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/** A new VAPID key pair (ECDSA P-256). */
export async function generateVapidKeys(): Promise<VapidKeys> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  return { publicKey: publicKeyOf(privateJwk), privateJwk };
}

/**
 * The public key of a private P-256 JWK, as `applicationServerKey` takes it.
 * @throws TypeError when `jwk` is not a private P-256 key
 */
export function publicKeyOf(jwk: JWK): string {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.x || !jwk.y || !jwk.d) throw new TypeError("expected a private P-256 JWK (kty EC, crv P-256, x, y, d)");
  const point = new Uint8Array(65);
  point[0] = 4;
  point.set(fromB64u(jwk.x), 1);
  point.set(fromB64u(jwk.y), 33);
  return b64u(point);
}

/**
 * The key pair of `VAPID_PUBLIC_KEY` and `VAPID_PRIVATE_KEY` as generators
 * print them (e.g. `npx web-push generate-vapid-keys`): the public key an
 * uncompressed P-256 point (65 bytes), the private key the scalar `d` (32
 * bytes), both base64url.
 * @throws TypeError naming what is wrong with either
 */
export function vapidKeysFrom(publicKey: string, privateKey: string): VapidKeys {
  const point = fromB64uStrict(publicKey, "VAPID_PUBLIC_KEY");
  if (point.length !== 65 || point[0] !== 4) throw new TypeError("VAPID_PUBLIC_KEY: expected an uncompressed P-256 point (65 bytes, base64url)");
  const d = fromB64uStrict(privateKey, "VAPID_PRIVATE_KEY");
  if (d.length !== 32) throw new TypeError("VAPID_PRIVATE_KEY: expected a P-256 private key (32 bytes, base64url)");
  const privateJwk: JWK = { kty: "EC", crv: "P-256", x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)), d: b64u(d) };
  return { publicKey: b64u(point), privateJwk };
}

function fromB64uStrict(text: string, name: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) throw new TypeError(`${name}: expected base64url`);
  return fromB64u(text.replace(/=+$/, ""));
}

/**
 * Whether `keys` is a pair: signing with the private key verifies with the
 * public one (a mismatched `VAPID_PUBLIC_KEY` would make every push fail at
 * the push service).
 */
export async function vapidPairMatches(keys: VapidKeys): Promise<boolean> {
  try {
    const key = await importJWK(keys.privateJwk, "ES256");
    const token = await new SignJWT({}).setProtectedHeader({ alg: "ES256" }).sign(key);
    const { x, y } = keys.privateJwk;
    const pub = await importJWK({ kty: "EC", crv: "P-256", x, y }, "ES256");
    await jwtVerify(token, pub);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `Authorization` header for a push to `endpoint` (RFC 8292 §3):
 * `vapid t=<JWT>, k=<public key>`, the JWT (ES256) with `aud` = the
 * endpoint's origin, `exp` = now + {@link VAPID_TOKEN_S}, `sub` = `subject`.
 * @param subject a `mailto:` or `https:` URI where the push service can reach the owner
 * @throws TypeError for a subject of another kind
 */
export async function vapidAuthorization(endpoint: string, keys: VapidKeys, subject: string, now = Date.now()): Promise<string> {
  if (!/^(mailto:|https:\/\/)/.test(subject)) throw new TypeError("VAPID subject must be a mailto: or https: URI");
  const key = await importJWK(keys.privateJwk, "ES256");
  const token = await new SignJWT({ sub: subject })
    .setProtectedHeader({ alg: "ES256", typ: "JWT" })
    .setAudience(new URL(endpoint).origin)
    .setExpirationTime(Math.floor(now / 1000) + VAPID_TOKEN_S)
    .sign(key);
  return `vapid t=${token}, k=${keys.publicKey}`;
}

/** A browser's push subscription (`PushSubscription.toJSON()`). */
export interface PushSubscriptionJSON {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** How a push message is delivered (RFC 8030 §5.2–5.4). */
export interface PushOptions {
  /** Seconds the push service keeps it for an offline device (0: deliver now or never). */
  ttl: number;
  urgency?: "very-low" | "low" | "normal" | "high";
  /** Replaces an undelivered message with the same topic: at most 32 characters of the base64url alphabet. */
  topic?: string;
}

/**
 * The request that pushes `payload` to `subscription`: `POST` to its
 * endpoint, the payload encrypted (`Content-Encoding: aes128gcm`), `TTL`,
 * `Urgency` and `Topic` as given, and the VAPID `Authorization`.
 * @throws TypeError for a bad topic or subject, RangeError for a payload too long or keys not a subscription's
 */
export async function pushRequest(
  subscription: PushSubscriptionJSON,
  payload: string,
  options: PushOptions,
  vapid: { keys: VapidKeys; subject: string },
  now = Date.now(),
): Promise<{ url: string; init: RequestInit }> {
  if (options.topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(options.topic)) throw new TypeError("topic: 1–32 characters of the base64url alphabet");
  const keys: PushKeys = { p256dh: fromB64u(subscription.keys.p256dh), auth: fromB64u(subscription.keys.auth) };
  const body = await encryptPush(new TextEncoder().encode(payload), keys);
  const headers: Record<string, string> = {
    "content-type": "application/octet-stream",
    "content-encoding": "aes128gcm",
    ttl: String(Math.max(0, Math.floor(options.ttl))),
    authorization: await vapidAuthorization(subscription.endpoint, vapid.keys, vapid.subject, now),
    ...(options.urgency ? { urgency: options.urgency } : {}),
    ...(options.topic ? { topic: options.topic } : {}),
  };
  return { url: subscription.endpoint, init: { method: "POST", headers, body } };
}
