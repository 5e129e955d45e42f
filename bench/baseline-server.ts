/// <reference types="node" />
/**
 * The baseline for the relay, presence and memory benchmarks: a plain Node
 * `ws` server speaking the subset of the room's protocol the benchmarks use
 * (`welcome`, `presence`, `available`, `call` → `ringing` and a `queue`
 * snapshot to the free hosts, `accept` → `accepted`, `signal` relay, `hangup`,
 * `text` → `sent`, `ping` → `pong`), with rooms kept in
 * memory maps; and, for the upload benchmark, `PUT /put`, which reads the
 * whole body into memory and answers `{"size"}`. It parses each frame as JSON and re-serializes what it relays,
 * like the room, but does no schema validation, no authentication (a host
 * socket is `?role=host`) and no hibernation.
 *
 * Run as its own process, so its CPU and memory are measured apart from the
 * load generator: `node --import tsx bench/baseline-server.ts`. It listens on
 * a free port of 127.0.0.1, prints `listening <port>`, and exits when its
 * standard input closes (that is, when the benchmark process goes away).
 * @module
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { ErrorBody, HostSession } from "../protocol/http.ts";

interface Conn {
  ws: WebSocket;
  id: string;
  role: "host" | "visitor";
  available: boolean;
  call?: { id: string; state: "ringing" | "active"; media: string; peer?: Conn };
}

type Frame = Record<string, unknown> & { type?: unknown };

const rooms = new Map<string, Set<Conn>>();

function send(conn: Conn, msg: unknown): void {
  if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(msg));
}

function isAvailable(room: Set<Conn>): boolean {
  for (const c of room) if (c.role === "host" && c.available) return true;
  return false;
}

function broadcast(room: Set<Conn>, msg: unknown): void {
  const raw = JSON.stringify(msg);
  for (const c of room) if (c.ws.readyState === c.ws.OPEN) c.ws.send(raw);
}

function onFrame(room: Set<Conn>, conn: Conn, raw: string): void {
  let msg: Frame;
  try {
    msg = JSON.parse(raw) as Frame;
  } catch {
    return send(conn, { type: "error", code: "bad_json", message: "frame is not valid JSON" });
  }
  switch (msg.type) {
    case "available":
      conn.available = msg.available === true;
      return broadcast(room, { type: "presence", available: isAvailable(room) });
    case "call": {
      const free = [...room].filter((c) => c.role === "host" && c.available && !c.call);
      if (free.length === 0) return send(conn, { type: "error", code: "unavailable", message: "no free host" });
      const call = { id: randomUUID(), state: "ringing" as const, media: String(msg.media) };
      conn.call = call;
      send(conn, { type: "ringing", callId: call.id, media: call.media });
      const queue = { type: "queue", calls: [{ callId: call.id, media: call.media, state: "ringing", since: Date.now(), ringsHere: true }] };
      for (const h of free) send(h, queue);
      return;
    }
    case "accept": {
      const visitor = [...room].find((c) => c.call?.id === msg.callId && c.call?.state === "ringing");
      if (!visitor?.call) return send(conn, { type: "error", code: "not_found", message: "not ringing" });
      visitor.call = { ...visitor.call, state: "active", peer: conn };
      conn.call = { id: visitor.call.id, state: "active", media: visitor.call.media, peer: visitor };
      send(visitor, { type: "accepted", callId: visitor.call.id, media: visitor.call.media, polite: true, iceServers: [], iceTransportPolicy: "all" });
      send(conn, { type: "accepted", callId: visitor.call.id, media: visitor.call.media, polite: false, iceServers: [], iceTransportPolicy: "all" });
      return;
    }
    case "signal": {
      const peer = conn.call?.id === msg.callId ? conn.call?.peer : undefined;
      if (!peer) return send(conn, { type: "error", code: "not_found", message: "no active call" });
      return send(
        peer,
        msg.description
          ? { type: "signal", callId: msg.callId, description: msg.description }
          : { type: "signal", callId: msg.callId, candidate: msg.candidate ?? null },
      );
    }
    case "hangup": {
      const peer = conn.call?.peer;
      conn.call = undefined;
      if (peer) {
        peer.call = undefined;
        send(peer, { type: "ended", callId: msg.callId, reason: "hangup" });
      }
      return send(conn, { type: "ended", callId: msg.callId, reason: "hangup" });
    }
    case "ping":
      return send(conn, { type: "pong" });
    case "pong":
      return;
    case "text":
      for (const c of room) if (c.role === "host") send(c, { type: "text", id: randomUUID(), visitorId: conn.id, text: msg.text, at: Date.now() });
      return send(conn, { type: "sent", id: randomUUID(), clientId: msg.clientId, at: Date.now() });
    default:
      return send(conn, { type: "error", code: "bad_message", message: "unknown type" });
  }
}

const http = createServer((req, res) => {
  const headers = { "content-type": "application/json", "access-control-allow-origin": "*" };
  // The upload benchmark's baseline: the whole body read into memory, its size answered.
  if (req.method === "PUT" && req.url === "/put") {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, headers);
      res.end(JSON.stringify({ size: body.length }));
    });
    return;
  }
  if (req.method === "POST" && req.url?.endsWith("/host/session")) {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, headers);
      res.end(JSON.stringify({ token: "baseline", name: "Host", expires: Math.floor(Date.now() / 1000) + 43_200 } satisfies HostSession));
    });
    return;
  }
  res.writeHead(404, headers);
  res.end(JSON.stringify({ error: "not_found", message: "No such endpoint" } satisfies ErrorBody));
});

const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on("connection", (ws, req) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const match = /^\/parties\/main\/([^/]+)$/.exec(url.pathname);
  if (!match) return ws.close(1008, "no such room");
  const name = decodeURIComponent(match[1]!);
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = new Set()));
  const conn: Conn = { ws, id: randomUUID(), role: url.searchParams.get("role") === "host" ? "host" : "visitor", available: false };
  room.add(conn);
  send(conn, { type: "welcome", protocol: 1, role: conn.role, id: conn.id, iceServers: [] });
  send(conn, { type: "presence", available: isAvailable(room) });
  ws.on("message", (data) => onFrame(room, conn, String(data)));
  ws.on("close", () => {
    room.delete(conn);
    const peer = conn.call?.peer;
    if (peer) {
      peer.call = undefined;
      send(peer, { type: "ended", callId: conn.call!.id, reason: "disconnected" });
    }
    if (conn.role === "host" && conn.available) broadcast(room, { type: "presence", available: isAvailable(room) });
    if (room.size === 0) rooms.delete(name);
  });
});

http.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(http.address() as AddressInfo).port}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
