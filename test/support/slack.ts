/// <reference types="node" />
/**
 * A local stand-in for a Slack incoming webhook, for tests without internet.
 *
 * It answers like `hooks.slack.com/services/T…/B…/…` does:
 * - `POST` to the webhook path with a JSON body holding `text` or `blocks`
 *   → `200`, `text/plain` body `ok`;
 * - `POST` with invalid JSON, or with neither `text` nor `blocks`
 *   → `400` `invalid_payload`;
 * - any other path → `404` `no_service`;
 * - any other method on the webhook path → `405`.
 *
 * Every request that reaches the webhook path is recorded, valid or not.
 *
 * @module
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Path of the one webhook this stand-in serves. */
const WEBHOOK_PATH = "/services/T000/B000/XXXX";

/** One request received on the webhook path. */
export interface SlackRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body as UTF-8. */
  body: string;
  /** Parsed body, or `undefined` if it was not JSON. */
  json: unknown;
}

export interface SlackStandIn {
  /** `http://127.0.0.1:PORT/services/T000/B000/XXXX` */
  webhookUrl: string;
  /** Requests received on the webhook path, oldest first. */
  requests: SlackRequest[];
  /**
   * Resolve with the first request (already received or still to come) that
   * matches `pred`; reject after `timeoutMs`.
   */
  waitForRequest(pred?: (r: SlackRequest) => boolean, timeoutMs?: number): Promise<SlackRequest>;
  stop(): Promise<void>;
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}

function isPayload(json: unknown): boolean {
  if (typeof json !== "object" || json === null) return false;
  const { text, blocks } = json as { text?: unknown; blocks?: unknown };
  return (typeof text === "string" && text.length > 0) || Array.isArray(blocks);
}

/** Start the stand-in on a free port of 127.0.0.1. */
export async function startSlackStandIn(): Promise<SlackStandIn> {
  const requests: SlackRequest[] = [];
  const waiters = new Set<(r: SlackRequest) => void>();

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (path !== WEBHOOK_PATH) return reply(res, 404, "no_service");
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const record: SlackRequest = { method: req.method ?? "", path, headers: req.headers, body, json };
      requests.push(record);
      for (const notify of waiters) notify(record);
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        return reply(res, 405, "invalid_method");
      }
      if (!isPayload(json)) return reply(res, 400, "invalid_payload");
      reply(res, 200, "ok");
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    webhookUrl: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    requests,
    waitForRequest(pred = () => true, timeoutMs = 10_000) {
      const seen = requests.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching Slack request within ${timeoutMs} ms; got ${JSON.stringify(requests.map((r) => r.body))}`));
        }, timeoutMs);
        const check = (r: SlackRequest): void => {
          if (!pred(r)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(r);
        };
        waiters.add(check);
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
