/**
 * The room's side of Slack: which mode is configured, the durable outbox
 * (`outbox.ts`) that carries visitor messages, call notices (and, in bot
 * mode, dashboard replies) into Slack, and the Events API endpoint that brings replies typed
 * in a conversation's thread back to its visitor.
 *
 * Slack API references: chat.postMessage (https://api.slack.com/methods/chat.postMessage),
 * chat.update (https://api.slack.com/methods/chat.update),
 * the Events API (https://api.slack.com/apis/events-api), request signing
 * (https://api.slack.com/authentication/verifying-requests-from-slack).
 * @module
 */
import * as v from "valibot";
import { SLACK_EVENTS, SlackEventsRequest, SlackThreadReply, errorAnswer, type Answer, type SlackFile } from "../../protocol/http.ts";
import { dashboardUrl as dashboardOpenedAt } from "../../protocol/push.ts";
import { MAX_FILES_PER_MESSAGE, type ConversationMessage, type FileRef } from "../../protocol/socket.ts";
import type { RoomConfig } from "./config.ts";
import type { Conversation, ConversationStore, StoredMessage } from "./conversations.ts";
import type { Files } from "./files.ts";
import { Outbox, type OutboxEntry } from "./outbox.ts";
import type { Storage } from "./runtime.ts";
import { postMessage, postWebhook, slackText, updateMessage, uploadFile, verifySlackSignature, type Delivery, type SlackBot } from "./slack.ts";

/** Slack event ids remembered to drop retried deliveries. */
const EVENTS_KEPT = 500;

/**
 * Where files shared in Slack may be fetched from: Slack's file host
 * (`https://files.slack.com`) when the Web API is Slack's own, else the
 * origin of the configured `SLACK_API_URL` (a stand-in serving both). The
 * bot token is sent nowhere else.
 */
export function slackFileOrigin(apiUrl: string): string {
  const api = new URL(apiUrl);
  return api.hostname === "slack.com" ? "https://files.slack.com" : api.origin;
}

/**
 * Fetch a file shared in Slack (`url_private_download`, with the bot token:
 * https://api.slack.com/types/file#authentication), only from
 * {@link slackFileOrigin}, no redirects followed, at most `maxBytes`.
 * @returns its bytes, or why not (a short phrase)
 */
async function fetchSlackFile(bot: SlackBot, file: SlackFile, maxBytes: number): Promise<{ bytes: Uint8Array<ArrayBuffer> } | { refused: string }> {
  const url = file.url_private_download;
  if (!url || file.size === undefined) return { refused: "Slack gave no download link" };
  if (file.size > maxBytes) return { refused: `over ${maxBytes / 1024 / 1024} MB` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { refused: "Slack gave no download link" };
  }
  if (parsed.origin !== slackFileOrigin(bot.apiUrl)) return { refused: `not from Slack's file host (${parsed.origin})` };
  try {
    const res = await fetch(parsed, { headers: { authorization: `Bearer ${bot.token}` }, redirect: "manual" });
    if (res.status !== 200) {
      await res.body?.cancel();
      return { refused: `Slack answered HTTP ${res.status}` };
    }
    const length = Number(res.headers.get("content-length") ?? NaN);
    if (length > maxBytes) {
      await res.body?.cancel();
      return { refused: `over ${maxBytes / 1024 / 1024} MB` };
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    return bytes.length > maxBytes ? { refused: `over ${maxBytes / 1024 / 1024} MB` } : { bytes };
  } catch (err) {
    return { refused: `could not be fetched (${(err as Error).message})` };
  }
}

/** Slack sends `&`, `<`, `>` as entities; the widget renders text safely itself. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export class SlackBridge {
  readonly outbox: Outbox;

  /**
   * @param changed told of a message whose Slack state changed
   * @param received told of a reply that came from a conversation's Slack thread
   * @param schedule asks the room to set its alarm again (the outbox's next retry)
   * @param files the room's files: read to pass them on, and where files shared in Slack are kept
   */
  constructor(
    private readonly storage: Storage,
    private readonly store: ConversationStore,
    private readonly config: () => RoomConfig,
    private readonly changed: (conversation: Conversation, message: StoredMessage) => void,
    private readonly received: (conversation: Conversation, message: StoredMessage) => Promise<void>,
    private readonly schedule: () => void,
    private readonly files: () => Pick<Files, "bytes" | "keep" | "forget">,
  ) {
    this.outbox = new Outbox(storage);
  }

  /** Which Slack mode is configured: bot (threads both ways), webhook (one-way), or none. */
  mode(): "bot" | "webhook" | undefined {
    const config = this.config();
    return config.slackBot ? "bot" : config.slackWebhookUrl ? "webhook" : undefined;
  }

  /**
   * Store a Slack post in the outbox (call before acknowledging the message,
   * then {@link drain}). False, with the message marked failed, when the
   * outbox is full.
   */
  async enqueue(conversation: Conversation, message: StoredMessage, post: OutboxEntry["message"]): Promise<boolean> {
    const files = message.files ?? [];
    // Bot mode: after the text, each file into the thread, in the same lane (so after the thread's first post).
    const posts = files.length ? [{ ...post, files }, ...(this.mode() === "bot" ? files.map((file) => ({ ...post, text: "", files: undefined, file })) : [])] : [post];
    if (await this.outbox.enqueueAll(conversation.id, message.seq, posts, Date.now())) return true;
    await this.settle({ conversationId: conversation.id, seq: message.seq }, { kind: "fail", reason: "outbox full" });
    return false;
  }

  /** Deliver what is due in the outbox, then schedule the next attempt. */
  async drain(): Promise<void> {
    await this.outbox.drain(
      (entry) => this.deliver(entry),
      (entry, result) => this.settle(entry, result),
    );
    this.schedule();
  }

  /**
   * What to post to Slack for a call's entry in a conversation, if anything:
   * its notice when stored; as the call goes on, in bot mode an edit of
   * that notice (`chat.update`), in webhook mode a new post only when the
   * call was missed.
   */
  callPost(conversation: Conversation, message: StoredMessage, update: boolean): OutboxEntry["message"] | undefined {
    const mode = this.mode();
    const call = message.call;
    if (!mode || !call) return undefined;
    const post = { from: "visitor" as const, text: message.text, name: conversation.name, email: conversation.email, page: conversation.page, call };
    if (!update) return post;
    if (mode === "bot") return { ...post, update: true };
    return call.state === "missed" ? post : undefined;
  }

  private async deliver(entry: OutboxEntry): Promise<Delivery> {
    const { slackBot: bot, slackWebhookUrl, dashboardUrl } = this.config();
    const message = { ...entry.message, dashboardUrl };
    if (bot) {
      const conversation = await this.store.get(entry.conversationId);
      if (!conversation) return { kind: "fail", reason: "conversation gone" };
      if (message.file) return this.deliverFile(bot, conversation, entry, message.file);
      if (message.update) {
        const posted = (await this.store.message(entry.conversationId, entry.seq))?.slackTs;
        return posted ? updateMessage(bot, posted, slackText(message)) : { kind: "fail", reason: "the call's notice was never posted" };
      }
      const result = await postMessage(bot, slackText(message, !conversation.slackTs), conversation.slackTs);
      if (result.kind === "ok" && result.ts) {
        if (!conversation.slackTs) await this.store.setThread(conversation, result.ts);
        // A call's notice is edited later: keep where it is.
        if (message.call) await this.store.update(entry.conversationId, entry.seq, { slackTs: result.ts });
      }
      return result;
    }
    if (slackWebhookUrl) {
      if (message.from === "host" || message.file) return { kind: "ok" };
      // The files stay in the room: the post names them and links to the conversation in the dashboard.
      const conversationUrl = message.files?.length && dashboardUrl ? dashboardOpenedAt(dashboardUrl, { conversation: entry.conversationId }) : undefined;
      return postWebhook(slackWebhookUrl, slackText({ ...message, conversationUrl }));
    }
    return { kind: "fail", reason: "Slack is no longer configured" };
  }

  /**
   * Put one file of a message into its conversation's thread (Slack's upload
   * flow, {@link uploadFile}). Once its bytes are at Slack the entry keeps
   * the `file_id` (stored at once), so a retry or a restart only completes the
   * upload; a failure before that starts again with a new `file_id`.
   */
  private deliverFile(bot: SlackBot, conversation: Conversation, entry: OutboxEntry, file: FileRef): Promise<Delivery> {
    const threadTs = conversation.slackTs;
    if (!threadTs) return Promise.resolve({ kind: "fail", reason: "the conversation's thread was never posted" });
    const name = file.name || `${file.id}.${file.type.split("/")[1] ?? "bin"}`;
    return uploadFile(
      bot,
      { filename: name, title: name, bytes: () => this.files().bytes(file.id), threadTs, fileId: entry.message.file_id },
      async (fileId) => {
        entry.message = { ...entry.message, file_id: fileId };
        await this.outbox.save(entry);
      },
    );
  }

  /** Record a delivery outcome on the message and tell who needs to know. */
  private async settle(entry: Pick<OutboxEntry, "conversationId" | "seq"> & { attempt?: number }, result: Delivery): Promise<void> {
    if (result.kind === "retry") {
      console.warn(`Slack delivery will retry (attempt ${entry.attempt}): ${result.reason}`);
      return;
    }
    // A message with files is sent once its text and every file are.
    if (result.kind === "ok" && this.outbox.waiting(entry.conversationId, entry.seq)) return;
    const patch: Partial<ConversationMessage> =
      result.kind === "ok" ? { slack: "sent", slackError: undefined, delivered: true } : { slack: "failed", slackError: result.reason };
    if (result.kind === "fail") console.error(`Slack delivery failed for good: ${result.reason}`);
    const message = await this.store.update(entry.conversationId, entry.seq, patch);
    const conversation = await this.store.get(entry.conversationId);
    if (message && conversation) this.changed(conversation, message);
  }

  /**
   * The files of a reply in Slack, fetched ({@link fetchSlackFile}) and kept
   * as the room's files (`Files.keep`: type, bytes, size, quota), the first
   * {@link MAX_FILES_PER_MESSAGE} of them. A file
   * refused is logged and named in a note the reply carries instead:
   * "📎 name was not passed on (reason)".
   */
  private async filesFrom(bot: SlackBot, conversationId: string, shared: readonly SlackFile[]): Promise<{ files: FileRef[]; notes: string[] }> {
    const files: FileRef[] = [];
    const notes: string[] = [];
    const { maxFileBytes } = this.config().media;
    for (const [index, file] of shared.entries()) {
      const fetched = index < MAX_FILES_PER_MESSAGE ? await fetchSlackFile(bot, file, maxFileBytes) : { refused: `a message carries at most ${MAX_FILES_PER_MESSAGE} files` };
      const kept = "bytes" in fetched ? await this.files().keep(conversationId, { type: file.mimetype ?? "", name: file.name, bytes: fetched.bytes }) : fetched;
      if ("file" in kept) {
        files.push(kept.file);
        continue;
      }
      console.warn(`A file shared in Slack (${file.id}) was refused: ${kept.refused}`);
      notes.push(`📎 ${file.name || "A file"} was not passed on (${kept.refused})`);
    }
    return { files, notes };
  }

  /**
   * `POST /slack/events` (`SLACK_EVENTS` in `protocol/http.ts`): verified
   * with the signing secret (5-minute window), deduplicated by `event_id`,
   * acknowledged at once. Answers Slack's `url_verification` challenge; a
   * human's reply in a conversation's thread becomes a host message from "Slack"
   * (one with files once they are fetched, after the answer).
   * The answer becomes a Response (with CORS headers) in `http.ts`.
   */
  async event(raw: string, timestamp: string | null, signature: string | null): Promise<Answer<typeof SLACK_EVENTS>> {
    const bot = this.config().slackBot;
    if (!bot?.signingSecret) return errorAnswer(404, "Slack bot mode is not configured");
    const check = await verifySlackSignature(bot.signingSecret, timestamp, signature, raw);
    if (!check.ok) return errorAnswer(401, check.reason);
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return errorAnswer(400, "Body is not JSON");
    }
    const ok = (extra: { duplicate?: true; ignored?: true; full?: true } = {}): Answer<typeof SLACK_EVENTS> => ({ status: 200, body: { ok: true, ...extra } });
    // Other requests, and events of other shapes, are acknowledged and ignored.
    const parsed = v.safeParse(SlackEventsRequest, data);
    if (!parsed.success) return ok();
    const body = parsed.output;
    if (body.type === "url_verification") return { status: 200, body: { challenge: body.challenge } };
    const seen = (await this.storage.get<string[]>("slackEvents")) ?? [];
    if (seen.includes(body.event_id)) return ok({ duplicate: true });
    await this.storage.put("slackEvents", [body.event_id, ...seen].slice(0, EVENTS_KEPT));
    const reply = v.safeParse(SlackThreadReply, body.event);
    if (!reply.success || reply.output.channel !== bot.channel) return ok({ ignored: true });
    const event = reply.output;
    const conversationId = await this.store.byThread(event.thread_ts);
    const conversation = conversationId ? await this.store.get(conversationId) : undefined;
    if (!conversation) return ok({ ignored: true });
    if (await this.store.refusal(conversation)) return ok({ ignored: true, full: true });
    if (!event.files?.length) {
      await this.reply(conversation, event.text, { files: [], notes: [] });
      return ok();
    }
    // Fetching files takes a while, and Slack wants its answer within 3 s: they are fetched after it.
    const id = conversation.id;
    void this.filesFrom(bot, id, event.files)
      .then(async (got) => {
        const now = await this.store.get(id);
        if (now && !(await this.store.refusal(now))) return this.reply(now, event.text, got);
        // Deleted (or full) meanwhile: the files go too.
        console.warn(`A reply from Slack with files came for a conversation deleted or full meanwhile; dropped`);
        if (!now) await this.files().forget(id);
      })
      .catch((err: unknown) => console.error(`A reply from Slack with files was lost: ${err instanceof Error ? err.message : String(err)}`));
    return ok();
  }

  /** A reply typed in a conversation's thread, with the files kept from it and notes on those refused: to the conversation. */
  private async reply(conversation: Conversation, text: string, got: { files: FileRef[]; notes: string[] }): Promise<void> {
    conversation.unread = (conversation.unread ?? 0) + 1;
    const message = await this.store.append(conversation, {
      id: crypto.randomUUID(),
      from: "host",
      by: "Slack",
      text: [unescapeSlack(text).slice(0, 4000), ...got.notes].filter((line) => line.trim() !== "").join("\n"),
      ...(got.files.length ? { files: got.files } : {}),
      at: Date.now(),
      slack: "sent",
    });
    await this.received(conversation, message);
  }
}
