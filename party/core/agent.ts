/**
 * A visitor's browser, operating system and device type, read from the
 * `User-Agent` request header of its socket (RFC 9110 §10.1.5) with
 * `bowser`, for the dashboard's visitor details. Nothing here is trusted:
 * it is shown as text only, and bounded.
 * @module
 */
import Bowser from "bowser";

/** What the dashboard shows of a visitor's user agent; each part may be unknown. */
export interface Agent {
  /** Browser and major version, e.g. `Firefox 128`. */
  browser?: string;
  /** Operating system, e.g. `macOS`, `Android 14`. */
  os?: string;
  /** `desktop`, `mobile`, `tablet` or `tv`. */
  device?: string;
}

/** Longest User-Agent header read, in characters. */
const MAX_UA = 512;
/** Longest part kept, in characters. */
const MAX_PART = 40;

const part = (...words: (string | undefined)[]): string | undefined => {
  const text = words.filter(Boolean).join(" ").trim().slice(0, MAX_PART);
  return text || undefined;
};

/** The agent of `userAgent` (a `User-Agent` header value); empty when absent or unknown. */
export function parseAgent(userAgent: string | null | undefined): Agent {
  if (!userAgent) return {};
  const { browser, os, platform } = Bowser.parse(userAgent.slice(0, MAX_UA));
  const agent: Agent = {
    browser: part(browser.name, browser.version?.split(".")[0]),
    os: part(os.name, os.name === "Android" ? os.version?.split(".")[0] : undefined),
    device: part(platform.type),
  };
  for (const key of Object.keys(agent) as (keyof Agent)[]) if (agent[key] === undefined) delete agent[key];
  return agent;
}
