/// <reference types="node" />
/**
 * File upload: a 10 MiB attachment through the room (`POST upload`, its
 * parts in order, the last part's answer with the checked file) beside a
 * plain HTTP `PUT` of the same bytes to a local Node server.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { CREATE_UPLOAD, UPLOAD_PART } from "../protocol/http.ts";
import WebSocket from "ws";
import { roomPath, visitorAddress, type Frame } from "./lib/clients.ts";
import { within } from "./lib/deadline.ts";
import { roomName, type BenchContext } from "./lib/context.ts";
import { withRatio, type Figure } from "./lib/figures.ts";
import type { Section } from "./lib/markdown.ts";
import type { RuntimeTarget } from "./lib/servers.ts";
import { summarize } from "./lib/stats.ts";

const SECTION = "File upload";
const MiB = 1024 * 1024;
/** The file's size: `MAX_ATTACHMENT_MB`'s default, 10 MiB. */
const SIZE = 10 * MiB;
const QUICK_SIZE = 256 * 1024;
const TRIALS = 5;
const QUICK_TRIALS = 1;

export const UPLOAD: Section = {
  title: SECTION,
  description: `
A visitor uploads a ${SIZE / MiB} MiB PNG (random bytes after the PNG signature) to its conversation the way the
widget does: \`POST upload\` (type, size, SHA-256, name), then its parts in order with \`PUT upload/part\`, each
waiting for the previous one's answer, until the last part's answer carries the checked file (the room reads the
whole file back and compares its SHA-256 before answering). Parts are the blob store's: 120 KiB in room storage
under \`partykit dev\`, 1 MiB in the local R2 bucket under \`wrangler dev\`. Timed in the load generator
(\`performance.now()\`) from the \`POST\` to the last answer; the client's own SHA-256 is computed before. Figure:
throughput in MB/s (10⁶ bytes per second), median of ${TRIALS} uploads, each in a new conversation. Baseline: a
plain HTTP \`PUT\` of the same bytes in one request to a local Node \`http\` server (the \`ws\` baseline server's
process), which reads the whole body into memory and answers, in the same run. All on 127.0.0.1.
`,
};

async function ok(res: Response, what: string): Promise<Record<string, unknown>> {
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body;
}

/** A visitor's conversation token, from the `welcome` of a socket opened for it (then closed). */
function conversationToken(url: string, address: string, timeoutMs: number): Promise<string> {
  return within(
    new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, headers: { "cf-connecting-ip": address } });
      ws.on("message", (data) => {
        const frame = JSON.parse(String(data)) as Frame;
        if (frame.type !== "welcome") return;
        ws.terminate();
        resolve(String(frame.conversationToken));
      });
      ws.once("error", reject);
    }),
    timeoutMs,
    `welcome from ${url}`,
  );
}

/** One upload of `bytes` into a new conversation of `target`; ms from the `POST` to the completed file. */
async function uploadOnce(ctx: BenchContext, target: RuntimeTarget, bytes: Buffer, sha256: string): Promise<number> {
  const room = roomName("upload");
  const address = visitorAddress();
  const token = await conversationToken(target.socketUrl(room), address, ctx.deadline.cap(20_000));
  const base = `${target.origin}${roomPath(room)}`;
  const headers = { authorization: `Bearer ${token}`, "cf-connecting-ip": address };
  const t0 = performance.now();
  const made = await ok(
    await fetch(`${base}/${CREATE_UPLOAD.path}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ type: "image/png", size: bytes.length, sha256, name: "bench.png" }),
      signal: AbortSignal.timeout(ctx.deadline.cap(60_000)),
    }),
    "POST upload",
  );
  const partBytes = Number(made.partBytes);
  let last: Record<string, unknown> = made;
  for (let offset = 0; offset < bytes.length; offset += partBytes) {
    last = await ok(
      await fetch(`${base}/${UPLOAD_PART.path}?id=${String(made.id)}&offset=${offset}`, {
        method: "PUT",
        headers: { ...headers, "content-type": "application/octet-stream" },
        body: new Uint8Array(bytes.subarray(offset, offset + partBytes)),
        signal: AbortSignal.timeout(ctx.deadline.cap(60_000)),
      }),
      `PUT upload/part at ${offset}`,
    );
  }
  const ms = performance.now() - t0;
  if (last.complete !== true || (last.file as { sha256?: string } | undefined)?.sha256 !== sha256) throw new Error(`the upload did not complete: ${JSON.stringify(last).slice(0, 200)}`);
  return ms;
}

/** One plain `PUT` of `bytes` to the baseline server; ms to its answer. */
async function putOnce(ctx: BenchContext, bytes: Buffer): Promise<number> {
  const t0 = performance.now();
  const answer = await ok(await fetch(`${ctx.baseline.origin}/put`, { method: "PUT", body: new Uint8Array(bytes), signal: AbortSignal.timeout(ctx.deadline.cap(60_000)) }), "PUT /put");
  const ms = performance.now() - t0;
  if (answer.size !== bytes.length) throw new Error(`the baseline received ${String(answer.size)} bytes of ${bytes.length}`);
  return ms;
}

const mbPerS = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

export async function benchUpload(ctx: BenchContext): Promise<Figure[]> {
  const size = ctx.quick ? QUICK_SIZE : SIZE;
  const trials = ctx.quick ? QUICK_TRIALS : TRIALS;
  const bytes = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), randomBytes(size - 8)]);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const label = size >= MiB ? `${size / MiB} MiB` : `${size / 1024} KiB`;
  const baseline: number[] = [];
  for (let i = 0; i < trials; i++) baseline.push(mbPerS(size, await putOnce(ctx, bytes)));
  const b = summarize(baseline);
  ctx.log(`upload: plain PUT ${b.median.toFixed(1)} MB/s`);
  const figures: Figure[] = [];
  for (const target of ctx.runtimes) {
    const id = `upload.${target.runtime}.${ctx.quick ? "quick" : "10mib"}`;
    const name = `Upload of a ${label} file`;
    try {
      const rates: number[] = [];
      for (let i = 0; i < trials; i++) {
        ctx.deadline.check(SECTION);
        rates.push(mbPerS(size, await uploadOnce(ctx, target, bytes, sha256)));
      }
      const r = summarize(rates);
      ctx.log(`upload: ${target.name} ${r.median.toFixed(1)} MB/s`);
      figures.push(
        withRatio({
          id,
          section: SECTION,
          name,
          runtime: target.name,
          unit: "MB/s",
          n: r.n,
          median: r.median,
          baseline: { label: "plain HTTP PUT to a local Node server", median: b.median },
          notes: `median of ${r.n}; the baseline median of ${b.n}; a ratio under 1 is slower than the baseline`,
        }),
      );
    } catch (err) {
      figures.push({ id, section: SECTION, name, runtime: target.name, unit: "MB/s", error: err instanceof Error ? err.message : String(err) });
    }
  }
  return figures;
}
