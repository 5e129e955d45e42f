/**
 * Credentials of the room, all HMAC-SHA256 through Web Crypto.
 *
 * - Host key check: constant time, over every configured host.
 * - Host token (`POST /host/session` → `?token=` on the host socket):
 *   `<name, base64url>.<expiry>.<signature>`, signed with that host's own key
 *   over `host:<room>:<name>:<expiry>`, so removing or changing a host's key
 *   revokes its tokens. Lifetime `HOST_SESSION_S` (default {@link HOST_TOKEN_TTL_S});
 *   an open host socket is checked again on every alarm, so it ends with its token.
 * - Visitor resume token (`?resume=` on reconnect): `<visitorId>_<nonce>.<expiry>.<signature>`,
 *   signed with the room's own secret (random, kept in room storage) over
 *   `visitor:<room>:<visitorId>_<nonce>:<expiry>`. Lifetime {@link RESUME_TOKEN_TTL_S};
 *   what it may resume is further bounded by the room's 30 s grace, and the
 *   room takes each nonce once (a resume hands out a new token).
 * - Conversation token (`?conversation=`, kept in localStorage): the same form
 *   over `conversation:<room>:<conversationId>:<expiry>`, lifetime
 *   {@link CONVERSATION_TOKEN_TTL_S}.
 *
 * Expiries are unix seconds; signatures base64url without padding.
 * @module
 */

/** Default host token lifetime, in seconds (12 hours; `HOST_SESSION_S`). */
export const HOST_TOKEN_TTL_S = 12 * 60 * 60;
/** Resume token lifetime, in seconds (24 hours). */
export const RESUME_TOKEN_TTL_S = 24 * 60 * 60;

const encoder = new TextEncoder();

/**
 * Compare a candidate secret with the expected one in constant time: both are
 * hashed with SHA-256 and the digests compared without early exit, so the time
 * taken reveals neither the key nor its length.
 */
export async function sameSecret(candidate: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(candidate)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/**
 * The name of the host whose key is `candidate`, checking every host so the
 * time taken does not depend on which one matched.
 */
export async function findHost(hosts: ReadonlyMap<string, string>, candidate: string): Promise<string | undefined> {
  let found: string | undefined;
  for (const [name, key] of hosts) {
    if ((await sameSecret(candidate, key)) && found === undefined) found = name;
  }
  return found;
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function sign(secret: string, message: string): Promise<string> {
  const key = await hmacKey(secret, "sign");
  return toBase64Url(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** HMAC verification by Web Crypto is constant-time. */
async function verify(secret: string, message: string, signature: string): Promise<boolean> {
  const sig = fromBase64Url(signature);
  if (!sig) return false;
  const key = await hmacKey(secret, "verify");
  return crypto.subtle.verify("HMAC", key, sig, encoder.encode(message));
}

/**
 * Split `<a>.<expiry>.<sig>`; null when malformed or expired at `now` (ms).
 * The signature must be the one canonical base64url spelling of 32 bytes
 * (RFC 4648 §5, no padding): 43 characters whose last carries 4 bits and two
 * zero bits, so no second spelling of a valid signature is accepted.
 */
function parseSigned(token: string, now: number): { subject: string; expiry: number; sig: string } | null {
  const match = /^([A-Za-z0-9_-]{1,128})\.(\d{1,12})\.([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/.exec(token);
  if (!match) return null;
  const expiry = Number(match[2]);
  if (expiry * 1000 <= now) return null;
  return { subject: match[1], expiry, sig: match[3] };
}

/**
 * When a host token issued at `now` (ms) for `ttlS` seconds stops being
 * accepted, in unix seconds: what {@link issueHostToken} signs.
 */
export function hostTokenExpiry(now: number, ttlS: number): number {
  return Math.floor(now / 1000) + ttlS;
}

/**
 * Issue a host token for host `name` of `room`.
 * @param hostKey that host's key
 * @param now current time in ms (for tests)
 * @param ttlS lifetime in seconds
 */
export async function issueHostToken(hostKey: string, name: string, room: string, now = Date.now(), ttlS = HOST_TOKEN_TTL_S): Promise<string> {
  const expiry = hostTokenExpiry(now, ttlS);
  const subject = toBase64Url(encoder.encode(name));
  return `${subject}.${expiry}.${await sign(hostKey, `host:${room}:${name}:${expiry}`)}`;
}

/**
 * Check a host token against the configured hosts.
 * @returns the host's name, or undefined for a malformed, expired, forged or revoked token
 */
export async function verifyHostToken(
  token: string,
  hosts: ReadonlyMap<string, string>,
  room: string,
  now = Date.now(),
): Promise<string | undefined> {
  const parsed = parseSigned(token, now);
  if (!parsed) return undefined;
  const nameBytes = fromBase64Url(parsed.subject);
  if (!nameBytes) return undefined;
  const name = new TextDecoder().decode(nameBytes);
  const key = hosts.get(name);
  if (key === undefined) return undefined;
  return (await verify(key, `host:${room}:${name}:${parsed.expiry}`, parsed.sig)) ? name : undefined;
}

/** A new random secret for signing resume tokens (256 bits, base64url). */
export function newRoomSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Conversation token lifetime, in seconds (one year). */
export const CONVERSATION_TOKEN_TTL_S = 365 * 24 * 60 * 60;

/** What a room-signed visitor token is for; part of what is signed, so one cannot stand for the other. */
type Purpose = "visitor" | "conversation";

async function issueIdToken(purpose: Purpose, ttlS: number, secret: string, id: string, room: string, now: number): Promise<string> {
  const expiry = Math.floor(now / 1000) + ttlS;
  return `${id}.${expiry}.${await sign(secret, `${purpose}:${room}:${id}:${expiry}`)}`;
}

const UUID = /^[0-9a-f-]{36}$/;
const RESUME_SUBJECT = /^([0-9a-f-]{36})_([A-Za-z0-9_-]{22})$/;

async function verifyIdToken(purpose: Purpose, token: string, secret: string, room: string, now: number, subject = UUID): Promise<string | undefined> {
  const parsed = parseSigned(token, now);
  if (!parsed || !subject.test(parsed.subject)) return undefined;
  return (await verify(secret, `${purpose}:${room}:${parsed.subject}:${parsed.expiry}`, parsed.sig)) ? parsed.subject : undefined;
}

/** A new resume nonce: 16 random bytes, base64url (22 characters). */
export function newNonce(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** Issue a resume token binding `visitorId` (a UUID) and a {@link newNonce} to `room`. */
export function issueResumeToken(secret: string, visitorId: string, nonce: string, room: string, now = Date.now()): Promise<string> {
  return issueIdToken("visitor", RESUME_TOKEN_TTL_S, secret, `${visitorId}_${nonce}`, room, now);
}

/**
 * Check a resume token's signature, room and expiry (whether its nonce is
 * still the current one is the room's to check).
 * @returns the visitor id and nonce, or undefined for a malformed, expired or forged token
 */
export async function verifyResumeToken(token: string, secret: string, room: string, now = Date.now()): Promise<{ visitorId: string; nonce: string } | undefined> {
  const subject = await verifyIdToken("visitor", token, secret, room, now, RESUME_SUBJECT);
  const match = subject ? RESUME_SUBJECT.exec(subject) : null;
  return match ? { visitorId: match[1], nonce: match[2] } : undefined;
}

/** Issue a conversation token (kept by the visitor's browser in localStorage). */
export function issueConversationToken(secret: string, conversationId: string, room: string, now = Date.now()): Promise<string> {
  return issueIdToken("conversation", CONVERSATION_TOKEN_TTL_S, secret, conversationId, room, now);
}

/** Check a conversation token; the conversation id, or undefined. */
export function verifyConversationToken(token: string, secret: string, room: string, now = Date.now()): Promise<string | undefined> {
  return verifyIdToken("conversation", token, secret, room, now);
}

/**
 * A decline token: lets the host `host` decline call `callId` of `room` from
 * a push notification (`POST decline`), with no dashboard open. It is sent
 * only inside that host's encrypted push, and stands for nothing else.
 * Format: `<host name, base64url>.<HMAC-SHA256 of decline:<room>:<callId>:<host>, base64url>`.
 */
export async function issueDeclineToken(secret: string, room: string, callId: string, host: string): Promise<string> {
  return `${toBase64Url(encoder.encode(host))}.${await sign(secret, `decline:${room}:${callId}:${host}`)}`;
}

/** The host a decline token stands for, when it is one the room issued for `callId`; else undefined. */
export async function verifyDeclineToken(token: string, secret: string, room: string, callId: string): Promise<string | undefined> {
  const match = /^([A-Za-z0-9_-]{1,256})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const name = match && fromBase64Url(match[1]);
  if (!match || !name) return undefined;
  const host = new TextDecoder().decode(name);
  return (await verify(secret, `decline:${room}:${callId}:${host}`, match[2])) ? host : undefined;
}

/**
 * A file link's signature: HMAC-SHA256 of `file:<room>:<fileId>:<exp>`
 * keyed with the room's secret, base64url (43 characters). `exp` is unix
 * seconds; the link (`GET file?id&exp&sig`) works until then, for that file
 * of that room only.
 */
export function signFileLink(secret: string, room: string, fileId: string, exp: number): Promise<string> {
  return sign(secret, `file:${room}:${fileId}:${exp}`);
}

/**
 * Check a file link at `now` (ms): `expired` once `exp` has passed,
 * `forged` when the signature is not the room's for that file and `exp`
 * (also for a non-canonical spelling of it), else `ok`.
 */
export async function verifyFileLink(secret: string, room: string, fileId: string, exp: number, sig: string, now = Date.now()): Promise<"ok" | "expired" | "forged"> {
  if (!/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/.test(sig) || !(await verify(secret, `file:${room}:${fileId}:${exp}`, sig))) return "forged";
  return exp * 1000 <= now ? "expired" : "ok";
}
