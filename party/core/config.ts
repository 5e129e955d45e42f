/**
 * Room configuration, read from the room's env (`--var`, `.env`,
 * `partykit env add`). Parsing never throws: a bad value falls back to the
 * default and is reported once with `console.error`.
 * @module
 */

import * as v from "valibot";
import {
  BusinessHours,
  IceServer,
  IceTransportPolicy,
  MAX_HOST_AVATAR_LENGTH,
  MAX_HOST_AWAY_LENGTH,
  MAX_HOST_NAME_LENGTH,
  MAX_HOST_TAGLINE_LENGTH,
  type HostProfile,
} from "../../protocol/socket.ts";
import type { TurnConfig } from "./turn.ts";
import { vapidKeysFrom, type VapidKeys } from "./vapid.ts";

/** Public STUN server used when `ICE_SERVERS` is unset. */
export const DEFAULT_ICE_SERVERS: IceServer[] = [{ urls: "stun:stun.l.google.com:19302" }];

/** Shortest host key accepted (`HOST_KEY`, or a key in `HOSTS`), in characters. */
export const MIN_KEY_LENGTH = 16;

/** Configuration of one room. */
export interface RoomConfig {
  /** Host name → host key. Empty when no usable `HOSTS` or `HOST_KEY` is set (nobody can sign in). */
  hosts: ReadonlyMap<string, string>;
  /** Why nobody can sign in, when `hosts` is empty: told to whoever tries. */
  hostsProblem: string | undefined;
  /** Slack incoming-webhook URL (webhook mode). */
  slackWebhookUrl: string | undefined;
  /**
   * Slack bot mode, when `SLACK_BOT_TOKEN` and `SLACK_CHANNEL_ID` are set
   * (it takes precedence over the webhook). `signingSecret` verifies the
   * Events API requests that bring thread replies back.
   */
  slackBot: { token: string; channel: string; apiUrl: string; signingSecret: string | undefined } | undefined;
  /**
   * Where the hosts' dashboard is (`DASHBOARD_URL`, an http(s) URL, e.g.
   * `https://example.com/host.html?room=default`): linked from a ringing
   * call's Slack notice. `undefined` when unset or not such a URL.
   */
  dashboardUrl: string | undefined;
  /**
   * The owner's webhook (`WEBHOOK_URL`, an http(s) URL, and `WEBHOOK_SECRET`,
   * 16 characters or more, which signs every request: see `webhooks.ts`);
   * `undefined` when either is missing or bad.
   */
  webhook: { url: string; secret: string } | undefined;
  /** ICE servers handed to both peers of every call. */
  iceServers: IceServer[];
  /** Origins allowed to embed the room (visitor sockets, HTTP); `undefined` allows any. */
  allowedOrigins: ReadonlySet<string> | undefined;
  /** Callers that may wait in line beyond those ringing (`MAX_QUEUE`, 0–{@link MAX_QUEUE_LIMIT}, default 10). */
  maxQueue: number;
  /** How long a call rings before it ends with "No answer", in ms (`RING_TIMEOUT_S`, default 45 s). */
  ringTimeoutMs: number;
  /**
   * How long a call rings when it rings only on hosts' devices by push (no
   * dashboard open), in ms (`RING_TIMEOUT_PUSH_S`, 5–3600, default 60 s): a
   * phone takes longer to pick up.
   */
  ringTimeoutPushMs: number;
  /**
   * How long a visitor's message waits unseen by every host before it is
   * pushed to their devices, in ms (`PUSH_MESSAGE_DELAY_S`, 0–86400, default 60 s).
   */
  pushMessageDelayMs: number;
  /**
   * The room's VAPID identity (RFC 8292) for Web Push: `keys` from
   * `VAPID_PUBLIC_KEY` and `VAPID_PRIVATE_KEY` (base64url, as
   * `web-push generate-vapid-keys` prints them), `undefined` when both are
   * unset (the room makes a pair on first use and keeps it in storage);
   * `problem` when they are set but unusable (the room then does not push).
   * `subject` is `VAPID_SUBJECT` (a `mailto:` or `https:` URI where push
   * services can reach the owner), if set.
   */
  vapid: { keys?: VapidKeys; subject?: string; problem?: string };
  /** TURN relay with ephemeral credentials (`TURN_URLS`, `TURN_SECRET`, `TURN_TTL_S`); `undefined` when unset. */
  turn: TurnConfig | undefined;
  /** Lifetime of a host's sign-in, in seconds (`HOST_SESSION_S`, 10–604800, default 43200 = 12 h). */
  hostSessionS: number;
  /** Conversations idle longer than this are deleted with their messages and files, in ms (`RETENTION_DAYS`, 1–3650, default 365). */
  retentionMs: number;
  /**
   * Files (attachments and recordings): the room's quota for all of them
   * together (`MEDIA_QUOTA_MB`, 1–{@link MAX_MEDIA_QUOTA_MB} MiB, default 500),
   * the largest file (`MAX_ATTACHMENT_MB`, 1–{@link MAX_ATTACHMENT_MB_LIMIT} MiB,
   * default 10) and the longest recording (`MAX_RECORDING_S`, 5–3600 s,
   * default 120), as a recording's upload declares it. Sizes in bytes.
   */
  media: { quotaBytes: number; maxFileBytes: number; maxRecordingS: number };
  /** RTCConfiguration.iceTransportPolicy handed to both peers (`ICE_TRANSPORT_POLICY`, default `all`). */
  iceTransportPolicy: IceTransportPolicy;
  /**
   * Who visitors are reaching, sent in their `welcome`: `HOST_NAME` (≤ 60
   * characters), `HOST_AVATAR` (an `https:` URL, or `http://localhost…`),
   * `HOST_TAGLINE` (≤ 120) and `HOST_AWAY` (≤ 160, shown while no host is
   * available). Only the valid ones; `undefined` when none is set.
   */
  hostProfile: HostProfile | undefined;
  /**
   * Weekly business hours and their time zone (`BUSINESS_HOURS`); `null` when
   * unset or invalid: always open. A host's hours set from the dashboard
   * replace them (see `hours.ts`).
   */
  businessHours: BusinessHours | null;
}

/**
 * Largest `MAX_QUEUE`: every call is kept in one stored value, which must
 * stay under the platform's 128 KiB (a call record is ≤ ~1.2 KB, its page shortened:
 * see `queue.ts`).
 */
export const MAX_QUEUE_LIMIT = 100;

/** Largest `MEDIA_QUOTA_MB`: 100 GiB per room. */
export const MAX_MEDIA_QUOTA_MB = 100 * 1024;
/**
 * Largest `MAX_ATTACHMENT_MB`: the room reads a whole file into memory once
 * to check its SHA-256 and to serve it, within a Worker's 128 MB.
 */
export const MAX_ATTACHMENT_MB_LIMIT = 50;

const MiB = 1024 * 1024;

/** Read `MEDIA_QUOTA_MB`, `MAX_ATTACHMENT_MB` and `MAX_RECORDING_S` (see {@link RoomConfig.media}). */
export function parseMedia(env: Record<string, unknown>): RoomConfig["media"] {
  return {
    quotaBytes: parseInteger(env.MEDIA_QUOTA_MB, 500, 1, MAX_MEDIA_QUOTA_MB, "MEDIA_QUOTA_MB") * MiB,
    maxFileBytes: parseInteger(env.MAX_ATTACHMENT_MB, 10, 1, MAX_ATTACHMENT_MB_LIMIT, "MAX_ATTACHMENT_MB") * MiB,
    maxRecordingS: parseInteger(env.MAX_RECORDING_S, 120, 5, 3600, "MAX_RECORDING_S"),
  };
}

/** Display name of the single host configured by `HOST_KEY`. */
export const DEFAULT_HOST_NAME = "Host";

/**
 * Parse the hosts: `HOSTS`, a JSON object `{"<name>": "<key>", …}` (names 1–40
 * characters, keys at least {@link MIN_KEY_LENGTH}), or else `HOST_KEY` alone,
 * meaning one host named `Host` (also at least {@link MIN_KEY_LENGTH}). Invalid
 * entries are skipped and reported; a short `HOST_KEY` is refused, so a
 * guessable key never guards the dashboard.
 */
export function parseHosts(hostsRaw: unknown, hostKey: unknown): Map<string, string> {
  return readHosts(hostsRaw, hostKey).hosts;
}

function readHosts(hostsRaw: unknown, hostKey: unknown): { hosts: Map<string, string>; problem?: string } {
  const hosts = new Map<string, string>();
  const raw = nonEmpty(hostsRaw);
  if (raw) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      console.error("HOSTS is not valid JSON; expected {\"<name>\": \"<key>\", …}");
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [name, key] of Object.entries(value)) {
        const trimmed = name.trim();
        if (trimmed.length < 1 || trimmed.length > 40 || typeof key !== "string" || key.length < MIN_KEY_LENGTH) {
          console.error(`HOSTS: skipped entry "${trimmed.slice(0, 40)}" (name 1-40 characters, key a string of ${MIN_KEY_LENGTH} or more)`);
          continue;
        }
        hosts.set(trimmed, key);
      }
    }
    if (hosts.size > 0) return { hosts };
  }
  const single = nonEmpty(hostKey);
  if (single && single.length < MIN_KEY_LENGTH) {
    const problem = `HOST_KEY is shorter than ${MIN_KEY_LENGTH} characters: set a long random one (npm start generates one) to sign in`;
    console.error(problem);
    return { hosts, problem };
  }
  if (single) hosts.set(DEFAULT_HOST_NAME, single);
  return { hosts, problem: single ? undefined : raw ? "HOSTS has no usable entry" : "No host is configured: set HOST_KEY or HOSTS" };
}

/**
 * Parse `ALLOWED_ORIGINS`: comma-separated origins (`https://example.com`).
 * @returns the normalized set, or `undefined` when unset (any origin)
 */
export function parseAllowedOrigins(raw: unknown): Set<string> | undefined {
  const text = nonEmpty(raw);
  if (!text) return undefined;
  const origins = new Set<string>();
  for (const part of text.split(",")) {
    const item = part.trim();
    if (!item) continue;
    try {
      origins.add(new URL(item).origin);
    } catch {
      console.error(`ALLOWED_ORIGINS: "${item}" is not an origin; skipped`);
    }
  }
  return origins;
}

/** Parse a whole number within [min, max], else the default. */
export function parseInteger(raw: unknown, fallback: number, min: number, max: number, name: string): number {
  const text = nonEmpty(raw);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  console.error(`${name} must be a whole number from ${min} to ${max}; using ${fallback}`);
  return fallback;
}

/**
 * Parse `ICE_SERVERS`: a JSON array of RTCIceServer (`[]` means host
 * candidates only).
 * @returns the parsed list, or {@link DEFAULT_ICE_SERVERS} when unset or invalid
 */
export function parseIceServers(raw: unknown): IceServer[] {
  if (raw === undefined || raw === null || raw === "") return DEFAULT_ICE_SERVERS;
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      console.error("ICE_SERVERS is not valid JSON; using the default STUN server");
      return DEFAULT_ICE_SERVERS;
    }
  }
  const parsed = v.safeParse(v.array(IceServer), value);
  if (parsed.success) return parsed.output;
  console.error("ICE_SERVERS must be a JSON array of RTCIceServer; using the default STUN server");
  return DEFAULT_ICE_SERVERS;
}

/**
 * Parse the TURN settings: `TURN_URLS`, comma-separated `turn:`/`turns:` URIs
 * (RFC 7065), `TURN_SECRET`, the TURN server's static auth secret (coturn
 * `static-auth-secret`), and `TURN_TTL_S`, the credential lifetime in seconds
 * (60–86400, default 3600).
 * @returns the settings, or `undefined` when either of the first two is unset
 *   or no URI is valid (reported)
 */
export function parseTurn(urlsRaw: unknown, secretRaw: unknown, ttlRaw: unknown): TurnConfig | undefined {
  const text = nonEmpty(urlsRaw);
  const secret = nonEmpty(secretRaw);
  if (!text && !secret) return undefined;
  if (!text || !secret) {
    console.error("TURN_URLS and TURN_SECRET must be set together; TURN is off");
    return undefined;
  }
  const urls: string[] = [];
  for (const part of text.split(",")) {
    const item = part.trim();
    if (/^turns?:[^\s]+$/.test(item)) urls.push(item);
    else if (item) console.error(`TURN_URLS: "${item.slice(0, 80)}" is not a turn: or turns: URI; skipped`);
  }
  if (urls.length === 0) return undefined;
  return { urls, secret, ttlSeconds: parseInteger(ttlRaw, 3600, 60, 86400, "TURN_TTL_S") };
}

/** Parse `ICE_TRANSPORT_POLICY`: one of {@link IceTransportPolicy}, `all` (default) or `relay`. */
export function parseIceTransportPolicy(raw: unknown): IceTransportPolicy {
  const text = nonEmpty(raw);
  if (text === undefined) return "all";
  const parsed = v.safeParse(IceTransportPolicy, text);
  if (parsed.success) return parsed.output;
  console.error(`ICE_TRANSPORT_POLICY must be ${IceTransportPolicy.options.map((o) => `"${o}"`).join(" or ")}; using "all"`);
  return "all";
}

/**
 * Parse a one-line text of the host's profile (`HOST_NAME`, `HOST_TAGLINE`,
 * `HOST_AWAY`): trimmed, at most `max` characters.
 * @returns the text, or `undefined` when unset or too long (reported)
 */
export function parseProfileText(raw: unknown, max: number, name: string): string | undefined {
  const text = nonEmpty(raw);
  if (text === undefined) return undefined;
  if (text.length <= max) return text;
  console.error(`${name} is longer than ${max} characters; ignored`);
  return undefined;
}

/**
 * Parse `HOST_AVATAR`: the URL of the host's picture, `https:` (or `http:`
 * on `localhost` / `127.0.0.1`, for development), at most 2048 characters.
 * @returns the normalized URL, or `undefined` when unset or not such a URL (reported)
 */
export function parseAvatarUrl(raw: unknown): string | undefined {
  const text = nonEmpty(raw);
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // Reported below.
  }
  const local = url?.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
  if (url && (url.protocol === "https:" || local) && url.href.length <= MAX_HOST_AVATAR_LENGTH) return url.href;
  console.error("HOST_AVATAR must be an https: URL (or http://localhost) of at most 2048 characters; ignored");
  return undefined;
}

/** Read the host's profile (`HOST_NAME`, `HOST_AVATAR`, `HOST_TAGLINE`, `HOST_AWAY`); `undefined` when none is usable. */
export function parseHostProfile(env: Record<string, unknown>): HostProfile | undefined {
  const profile: HostProfile = {};
  const name = parseProfileText(env.HOST_NAME, MAX_HOST_NAME_LENGTH, "HOST_NAME");
  const avatar = parseAvatarUrl(env.HOST_AVATAR);
  const tagline = parseProfileText(env.HOST_TAGLINE, MAX_HOST_TAGLINE_LENGTH, "HOST_TAGLINE");
  const away = parseProfileText(env.HOST_AWAY, MAX_HOST_AWAY_LENGTH, "HOST_AWAY");
  if (name) profile.name = name;
  if (avatar) profile.avatar = avatar;
  if (tagline) profile.tagline = tagline;
  if (away) profile.away = away;
  return Object.keys(profile).length > 0 ? profile : undefined;
}

/**
 * Parse `BUSINESS_HOURS`: a JSON object of {@link BusinessHours}, e.g.
 * `{"timeZone": "Europe/Paris", "mon": "09:00-17:00", "tue": "09:00-17:00"}`
 * (a day left out is closed).
 * @returns the hours, or `null` when unset, not JSON or not of that shape
 *   (reported, with the first problem found): always open
 */
export function parseBusinessHours(raw: unknown): BusinessHours | null {
  const text = nonEmpty(raw);
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    console.error('BUSINESS_HOURS is not valid JSON; expected {"timeZone": "Europe/Paris", "mon": "09:00-17:00", …}; always open');
    return null;
  }
  const parsed = v.safeParse(BusinessHours, value);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  const path = v.getDotPath(issue);
  console.error(`BUSINESS_HOURS: ${path ? `${path}: ` : ""}${issue.message}; always open`);
  return null;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Variable `name`'s value as an http(s) URL; undefined (reported) when it is set to anything else. */
function parseHttpUrl(value: unknown, name: string): string | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol === "https:" || url.protocol === "http:") return url.href;
  } catch {
    // reported below
  }
  console.error(`${name} is not an http(s) URL; ignored`);
  return undefined;
}

/** Shortest `WEBHOOK_SECRET`, in characters. */
const MIN_WEBHOOK_SECRET = 16;

function parseWebhook(urlValue: unknown, secretValue: unknown): RoomConfig["webhook"] {
  const url = parseHttpUrl(urlValue, "WEBHOOK_URL");
  if (url === undefined) return undefined;
  const secret = nonEmpty(secretValue);
  if (secret === undefined || secret.length < MIN_WEBHOOK_SECRET) {
    console.error(`WEBHOOK_URL needs WEBHOOK_SECRET (${MIN_WEBHOOK_SECRET} characters or more) to sign its requests; webhooks are off`);
    return undefined;
  }
  return { url, secret };
}

function parseVapid(publicValue: unknown, privateValue: unknown, subjectValue: unknown): RoomConfig["vapid"] {
  const publicKey = nonEmpty(publicValue);
  const privateKey = nonEmpty(privateValue);
  let subject = nonEmpty(subjectValue);
  if (subject !== undefined && !/^(mailto:.+@.+|https:\/\/.+)$/.test(subject)) {
    console.error("VAPID_SUBJECT is not a mailto: or https: URI; ignored");
    subject = undefined;
  }
  if (publicKey === undefined && privateKey === undefined) return { subject };
  let problem: string;
  if (publicKey === undefined || privateKey === undefined) {
    problem = "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together; set both or neither";
  } else {
    try {
      return { keys: vapidKeysFrom(publicKey, privateKey), subject };
    } catch (err) {
      problem = (err as Error).message;
    }
  }
  console.error(`${problem}; Web Push is off`);
  return { subject, problem };
}

function slackBot(env: Record<string, unknown>): RoomConfig["slackBot"] {
  const token = nonEmpty(env.SLACK_BOT_TOKEN);
  const channel = nonEmpty(env.SLACK_CHANNEL_ID);
  if (!token || !channel) return undefined;
  return {
    token,
    channel,
    apiUrl: nonEmpty(env.SLACK_API_URL) ?? "https://slack.com/api",
    signingSecret: nonEmpty(env.SLACK_SIGNING_SECRET),
  };
}

const parsed = new WeakMap<object, RoomConfig>();
const byText = new Map<string, RoomConfig>();
/** Environments remembered by content (a redeploy brings a new one; this bounds the memory). */
const TEXTS_KEPT = 8;

/**
 * A room's configuration, parsed once per environment, so bad values are
 * reported once. Cloudflare hands one env object to every request of an
 * isolate; PartyKit builds a new one per request, so an env is also known by
 * its text values.
 */
export function configFor(env: Record<string, unknown>): RoomConfig {
  let config = parsed.get(env);
  if (config) return config;
  const text = JSON.stringify(Object.entries(env).filter(([, value]) => typeof value === "string"));
  config = byText.get(text);
  if (!config) {
    if (byText.size >= TEXTS_KEPT) byText.clear();
    byText.set(text, (config = readConfig(env)));
  }
  parsed.set(env, config);
  return config;
}

/** Read a room's configuration from its env (see {@link configFor} for the cached form). */
export function readConfig(env: Record<string, unknown>): RoomConfig {
  const { hosts, problem } = readHosts(env.HOSTS, env.HOST_KEY);
  return {
    hosts,
    hostsProblem: problem,
    slackWebhookUrl: nonEmpty(env.SLACK_WEBHOOK_URL),
    slackBot: slackBot(env),
    dashboardUrl: parseHttpUrl(env.DASHBOARD_URL, "DASHBOARD_URL"),
    webhook: parseWebhook(env.WEBHOOK_URL, env.WEBHOOK_SECRET),
    iceServers: parseIceServers(env.ICE_SERVERS),
    allowedOrigins: parseAllowedOrigins(env.ALLOWED_ORIGINS),
    maxQueue: parseInteger(env.MAX_QUEUE, 10, 0, MAX_QUEUE_LIMIT, "MAX_QUEUE"),
    ringTimeoutMs: parseInteger(env.RING_TIMEOUT_S, 45, 5, 3600, "RING_TIMEOUT_S") * 1000,
    ringTimeoutPushMs: parseInteger(env.RING_TIMEOUT_PUSH_S, 60, 5, 3600, "RING_TIMEOUT_PUSH_S") * 1000,
    pushMessageDelayMs: parseInteger(env.PUSH_MESSAGE_DELAY_S, 60, 0, 86400, "PUSH_MESSAGE_DELAY_S") * 1000,
    vapid: parseVapid(env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY, env.VAPID_SUBJECT),
    turn: parseTurn(env.TURN_URLS, env.TURN_SECRET, env.TURN_TTL_S),
    iceTransportPolicy: parseIceTransportPolicy(env.ICE_TRANSPORT_POLICY),
    hostSessionS: parseInteger(env.HOST_SESSION_S, 12 * 60 * 60, 10, 7 * 24 * 60 * 60, "HOST_SESSION_S"),
    retentionMs: parseInteger(env.RETENTION_DAYS, 365, 1, 3650, "RETENTION_DAYS") * 24 * 60 * 60 * 1000,
    media: parseMedia(env),
    hostProfile: parseHostProfile(env),
    businessHours: parseBusinessHours(env.BUSINESS_HOURS),
  };
}
