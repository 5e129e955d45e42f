/// <reference types="node" />
/**
 * File upload: a 10 MiB attachment through the room (`POST upload`, its
 * parts in order, the last part's answer with the checked file) beside a
 * plain HTTP `PUT` of the same bytes to a local Node server; and the time from
 * a visitor's Send to a host's socket holding a message with a 1 MiB image,
 * beside the same message without a file.
 * @module
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { CREATE_UPLOAD, UPLOAD_PART } from "../protocol/http.ts";
import WebSocket from "ws";
import { availableHost, Client, roomPath, visitorAddress, type Frame } from "./lib/clients.ts";
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
/** The image of a message timed from Send to the host: 1 MiB. */
const MESSAGE_FILE_SIZE = MiB;
/** Messages timed from Send to the host, with and without the image. */
const SEND_TRIALS = 9;

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

**Send → host.** A host is available on its socket; a visitor sends a message with a ${MESSAGE_FILE_SIZE / MiB} MiB PNG the
way the widget sends it on **Send**: the upload first (as above), then the \`text\` frame with the file's id. Timed
from the \`POST upload\` to the host's socket receiving the \`message\` frame that carries the file (median of
${SEND_TRIALS}, each in a new room). Baseline: the same message without a file, from the \`text\` frame to the host's
\`message\` frame, in the same run. The dashboard's rendering is not included.
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
  const t0 = performance.now();
  await upload(ctx, target, room, { address, token }, bytes, sha256);
  return performance.now() - t0;
}

/**
 * Upload `bytes` (a PNG) to the conversation of `visitor.token` in `room`,
 * part after part, as the widget does; the completed file's id.
 * @throws when the room refuses a step or the file's SHA-256 is not `sha256`
 */
async function upload(ctx: BenchContext, target: RuntimeTarget, room: string, visitor: { address: string; token: string }, bytes: Buffer, sha256: string): Promise<string> {
  const { address, token } = visitor;
  const base = `${target.origin}${roomPath(room)}`;
  const headers = { authorization: `Bearer ${token}`, "cf-connecting-ip": address };
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
  const file = last.file as { id?: string; sha256?: string } | undefined;
  if (last.complete !== true || file?.sha256 !== sha256) throw new Error(`the upload did not complete: ${JSON.stringify(last).slice(0, 200)}`);
  return String(file.id);
}

/**
 * Ms from a visitor's Send to an available host's socket holding the
 * message, in a new room: with `file`, its upload comes first and the
 * message carries it; without, the message is text only.
 */
async function sendToHost(ctx: BenchContext, target: RuntimeTarget, file?: { bytes: Buffer; sha256: string }): Promise<number> {
  const room = roomName("send");
  const host = await availableHost(target, room);
  let visitor: Client | undefined;
  try {
    const address = visitorAddress();
    const token = await conversationToken(target.socketUrl(room), address, ctx.deadline.cap(20_000));
    visitor = await Client.connect(`${target.socketUrl(room)}?conversation=${encodeURIComponent(token)}`, { address, timeoutMs: ctx.deadline.cap(20_000) });
    const text = `send ${randomUUID()}`;
    const shown = host.expect((f) => f.type === "message" && (f.message as { text?: string }).text === text, "the message at the host", ctx.deadline.cap(60_000));
    const t0 = performance.now();
    const files = file ? [await upload(ctx, target, room, { address, token }, file.bytes, file.sha256)] : [];
    visitor.send({ type: "text", text, clientId: randomUUID(), files });
    const frame = await shown;
    const ms = performance.now() - t0;
    const carried = ((frame.message as { files?: { id: string }[] }).files ?? []).map((f) => f.id);
    if (JSON.stringify(carried) !== JSON.stringify(files)) throw new Error(`the host's message carries ${JSON.stringify(carried)}, not ${JSON.stringify(files)}`);
    return ms;
  } finally {
    visitor?.close();
    host.close();
  }
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
    figures.push(await benchSend(ctx, target));
  }
  return figures;
}

/** Send → host with a {@link MESSAGE_FILE_SIZE} image, beside the same message without it. */
async function benchSend(ctx: BenchContext, target: RuntimeTarget): Promise<Figure> {
  const size = ctx.quick ? QUICK_SIZE : MESSAGE_FILE_SIZE;
  const trials = ctx.quick ? QUICK_TRIALS : SEND_TRIALS;
  const bytes = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), randomBytes(size - 8)]);
  const file = { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
  const id = `upload.${target.runtime}.send-to-host${ctx.quick ? ".quick" : ""}`;
  const name = `Send → host, a message with a ${size >= MiB ? `${size / MiB} MiB` : `${size / 1024} KiB`} image`;
  try {
    const withFile: number[] = [];
    const textOnly: number[] = [];
    for (let i = 0; i < trials; i++) {
      ctx.deadline.check(SECTION);
      textOnly.push(await sendToHost(ctx, target));
      withFile.push(await sendToHost(ctx, target, file));
    }
    const w = summarize(withFile);
    const t = summarize(textOnly);
    ctx.log(`upload: send → host on ${target.name}: ${w.median.toFixed(1)} ms with the image, ${t.median.toFixed(1)} ms without`);
    return withRatio({
      id,
      section: SECTION,
      name,
      runtime: target.name,
      unit: "ms",
      n: w.n,
      median: w.median,
      baseline: { label: "the same message without a file", median: t.median },
      notes: `median of ${w.n}; the baseline median of ${t.n}`,
    });
  } catch (err) {
    return { id, section: SECTION, name, runtime: target.name, unit: "ms", error: err instanceof Error ? err.message : String(err) };
  }
}
