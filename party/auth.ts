/**
 * Host authentication: the host key check and the short-lived host token
 * that authorizes a host WebSocket in `onBeforeConnect`.
 *
 * A token is `<expiry>.<signature>`: expiry in unix seconds, signature the
 * base64url HMAC-SHA256 (Web Crypto) of `host:<room>:<expiry>` keyed with
 * `HOST_KEY`. Changing `HOST_KEY` revokes every token.
 * @module
 */

/** How long a host token lasts, in seconds (12 hours). */
export const HOST_TOKEN_TTL_S = 12 * 60 * 60;

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

function hmacKey(secret: string, usage: KeyUsage): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

function toBase64Url(bytes: ArrayBuffer): string {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * Issue a host token for `room`.
 * @param hostKey the room's `HOST_KEY`
 * @param now current time in ms (for tests)
 */
export async function issueHostToken(hostKey: string, room: string, now = Date.now()): Promise<string> {
  const expiry = Math.floor(now / 1000) + HOST_TOKEN_TTL_S;
  const key = await hmacKey(hostKey, "sign");
  const sig = await crypto.subtle.sign("HMAC", key, encoder.encode(`host:${room}:${expiry}`));
  return `${expiry}.${toBase64Url(sig)}`;
}

/**
 * Check a host token. HMAC verification by Web Crypto is constant-time.
 * @returns true only for an unexpired token signed with `hostKey` for `room`
 */
export async function verifyHostToken(token: string, hostKey: string, room: string, now = Date.now()): Promise<boolean> {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const expiry = Number(match[1]);
  if (expiry * 1000 <= now) return false;
  const sig = fromBase64Url(match[2]);
  if (!sig) return false;
  const key = await hmacKey(hostKey, "verify");
  return crypto.subtle.verify("HMAC", key, sig, encoder.encode(`host:${room}:${expiry}`));
}
