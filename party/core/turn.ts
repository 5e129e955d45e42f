/**
 * Ephemeral TURN credentials by the TURN REST API scheme
 * (draft-uberti-behave-turn-rest-00 §2.2), as coturn checks them with
 * `--use-auth-secret --static-auth-secret=<secret>`:
 *
 * - `username` = `<expiry>:<user>`, where `<expiry>` is a Unix time in
 *   seconds after which the TURN server refuses the credential and `<user>`
 *   the room's connection id;
 * - `credential` = base64(HMAC-SHA1(secret, username)).
 *
 * The TURN server then runs the ordinary long-term credential mechanism
 * (RFC 8489 §9.2) with that pair. The shared secret never leaves the room:
 * each participant only gets a pair that expires.
 *
 * Uses Web Crypto (`crypto.subtle`), available in workerd and Node 20.
 * @module
 */
import type { IceServer } from "../../protocol/socket.ts";

/** TURN settings of a room. */
export interface TurnConfig {
  /** `turn:` / `turns:` URIs (RFC 7065), e.g. `turn:turn.example.com:3478?transport=udp`. */
  urls: string[];
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** Lifetime of each credential, in seconds. */
  ttlSeconds: number;
}

/** A TURN REST credential pair. */
export interface TurnCredential {
  /** `<unix expiry seconds>:<user>` */
  username: string;
  /** base64(HMAC-SHA1(secret, username)) */
  credential: string;
}

/** Standard base64 (RFC 4648 §4) of bytes. */
function base64(bytes: ArrayBuffer): string {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Mint one credential pair.
 * @param secret the TURN server's static auth secret
 * @param user who it is for (a connection id); `:` is kept, it only follows the expiry
 * @param ttlSeconds lifetime in seconds
 * @param nowMs the current time in ms since the epoch (for tests)
 */
export async function turnCredential(secret: string, user: string, ttlSeconds: number, nowMs = Date.now()): Promise<TurnCredential> {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${user}`;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(username));
  return { username, credential: base64(mac) };
}

/**
 * The ICE servers for one participant of one call: the room's `ICE_SERVERS`,
 * plus the TURN URIs with a fresh credential when TURN is configured.
 * @param base `ICE_SERVERS`
 * @param turn TURN settings, or `undefined` when TURN_URLS/TURN_SECRET are unset
 * @param user the participant's connection id
 */
export async function iceServersFor(base: IceServer[], turn: TurnConfig | undefined, user: string, nowMs = Date.now()): Promise<IceServer[]> {
  if (!turn) return base;
  const { username, credential } = await turnCredential(turn.secret, user, turn.ttlSeconds, nowMs);
  return [...base, { urls: turn.urls, username, credential }];
}
