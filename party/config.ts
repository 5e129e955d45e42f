/**
 * Room configuration, read from the room's env (`--var`, `.env`,
 * `partykit env add`). Parsing never throws: a bad value falls back to the
 * default and is reported once with `console.error`.
 * @module
 */

/** RTCIceServer as accepted by `new RTCPeerConnection({iceServers})`. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Public STUN server used when `ICE_SERVERS` is unset. */
export const DEFAULT_ICE_SERVERS: IceServer[] = [{ urls: "stun:stun.l.google.com:19302" }];

/** Configuration of one room. */
export interface RoomConfig {
  /** Secret the host signs in with; `undefined` when unset (nobody can sign in). */
  hostKey: string | undefined;
  /** Slack incoming-webhook URL; `undefined` disables forwarding. */
  slackWebhookUrl: string | undefined;
  /** ICE servers handed to both peers of every call. */
  iceServers: IceServer[];
}

function isIceServer(value: unknown): value is IceServer {
  if (typeof value !== "object" || value === null) return false;
  const { urls, username, credential } = value as Record<string, unknown>;
  const urlsOk = typeof urls === "string" || (Array.isArray(urls) && urls.every((u) => typeof u === "string"));
  return urlsOk && (username === undefined || typeof username === "string") && (credential === undefined || typeof credential === "string");
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
  if (Array.isArray(value) && value.every(isIceServer)) return value;
  console.error("ICE_SERVERS must be a JSON array of RTCIceServer; using the default STUN server");
  return DEFAULT_ICE_SERVERS;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Read a room's configuration from its env. */
export function readConfig(env: Record<string, unknown>): RoomConfig {
  return {
    hostKey: nonEmpty(env.HOST_KEY),
    slackWebhookUrl: nonEmpty(env.SLACK_WEBHOOK_URL),
    iceServers: parseIceServers(env.ICE_SERVERS),
  };
}
