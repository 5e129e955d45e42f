/// <reference types="node" />
/**
 * A local receiver for the room's outgoing webhooks, checking each request
 * as an owner's endpoint should, independently of the room's code: `POST`,
 * JSON, the `v0` HMAC-SHA256 signature over `v0:<timestamp>:<raw body>`
 * (compared in constant time), a timestamp within 5 minutes, and the id
 * header matching the body's. A request failing a check is answered `401`
 * and recorded as refused; {@link WebhookReceiver.failNext} scripts an outage.
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** An event the receiver accepted (answered 2xx), with its raw body. */
export interface ReceivedEvent {
  id: string;
  type: string;
  at: number;
  room: string;
  data: Record<string, unknown>;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT/hook` */
  url: string;
  /** Events answered 2xx, in arrival order. */
  events: ReceivedEvent[];
  /** Requests refused for a bad signature, timestamp or body, with why. */
  refused: string[];
  /** Every request's answer status, in arrival order. */
  statuses: number[];
  /** Answer the next requests with these statuses (and headers), in order, before normal service. */
  failNext(...answers: { status: number; headers?: Record<string, string> }[]): void;
  stop(): Promise<void>;
}

/** Start a receiver that verifies signatures with `secret`. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const events: ReceivedEvent[] = [];
  const refused: string[] = [];
  const statuses: number[] = [];
  const failures: { status: number; headers?: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = (status: number, headers: Record<string, string> = {}) => {
        statuses.push(status);
        res.writeHead(status, headers).end();
      };
      const refuse = (why: string) => {
        refused.push(why);
        answer(401);
      };
      const raw = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(req.headers["x-contact-me-request-timestamp"] ?? "");
      const signature = String(req.headers["x-contact-me-signature"] ?? "");
      if (req.method !== "POST" || req.headers["content-type"] !== "application/json") return refuse("not a JSON POST");
      if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return refuse("stale or missing timestamp");
      const expected = Buffer.from(`v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${raw}`).digest("hex")}`);
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse("bad signature");
      let event: ReceivedEvent;
      try {
        event = JSON.parse(raw) as ReceivedEvent;
      } catch {
        return refuse("body is not JSON");
      }
      if (req.headers["x-contact-me-event-id"] !== event.id) return refuse("id header does not match the body");
      const failure = failures.shift();
      if (failure) return answer(failure.status, failure.headers);
      events.push(event);
      answer(204);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    events,
    refused,
    statuses,
    failNext: (...answers) => void failures.push(...answers),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
