/// <reference types="mocha" />
// What the dashboard's inbox says about a conversation, in real browsers
// (their Intl and Unicode data): names, previews, needs-reply, unread counts,
// search, relative times and day headings, and which page links it makes.
import { expect } from "@open-wc/testing";
import type { ConversationMessage } from "../../protocol/socket.ts";
import { callStrings } from "../../widget/call/call.strings.ts";
import { hostStrings } from "../../widget/contact-me-host/contact-me-host.strings.ts";
import { fileStrings } from "../../widget/files/files.strings.ts";
import {
  byDay,
  conversationText,
  exportFileName,
  matches,
  needsReply,
  pageHref,
  preview,
  relativeTime,
  stamp,
  unreadCount,
  visitorName,
  type Summary,
} from "../../widget/contact-me-host/inbox-format.ts";

const s = { ...hostStrings, ...callStrings, ...fileStrings };
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Noon, local time, on a Wednesday: "today" in these tests. */
const NOW = new Date(2026, 10, 25, 12, 0, 0).getTime();

let n = 0;
function msg(from: "visitor" | "host", text: string, at: number): ConversationMessage {
  return { id: String(++n), from, text, at };
}

function conversation(fields: Partial<Summary>, messages: ConversationMessage[]): Summary {
  return { id: "c", updatedAt: messages.at(-1)?.at ?? NOW, messages, ...fields };
}

describe("the dashboard's inbox: what a conversation shows", () => {
  it("names the visitor, else by the page's path, else Visitor", () => {
    expect(visitorName({ name: "Zoë", page: "https://example.com/pricing" }, s)).to.equal("Zoë");
    expect(visitorName({ page: "https://example.com/pricing?plan=pro#top" }, s)).to.equal("Visitor from /pricing");
    expect(visitorName({}, s)).to.equal("Visitor");
  });

  it("previews the last message on one line, You: for a host's; needs a reply when the visitor wrote last", () => {
    const asked = conversation({}, [msg("visitor", "Hello\n\nthere", NOW)]);
    expect(preview(asked, s)).to.equal("Hello there");
    expect(needsReply(asked)).to.equal(true);
    const answered = conversation({}, [...asked.messages, msg("host", "Hi!", NOW)]);
    expect(preview(answered, s)).to.equal("You: Hi!");
    expect(needsReply(answered)).to.equal(false);
    expect(preview(conversation({}, [msg("visitor", "x".repeat(1000), NOW)]), s).length).to.be.at.most(160);
  });

  it("a call reads as its media and where it stands; an unanswered one asks for a reply and counts as unread, an answered one does not", () => {
    const call = (state: NonNullable<ConversationMessage["call"]>["state"], at: number, extra = {}): ConversationMessage => ({
      ...msg("visitor", "(plain text)", at),
      call: { callId: `call-${at}`, media: "video", state, ...extra },
    });
    const missed = conversation({ name: "Ada" }, [msg("host", "Hi", NOW - 2), call("missed", NOW - 1)]);
    expect(preview(missed, s)).to.equal("Video call · missed");
    expect(needsReply(missed)).to.equal(true);
    expect(unreadCount(missed, 0)).to.equal(1);
    const answered = conversation({ name: "Ada" }, [msg("visitor", "Call me?", NOW - 2), call("answered", NOW - 1, { durationS: 192, by: "Grace" })]);
    expect(preview(answered, s)).to.equal("Video call · with Grace · 3:12");
    expect(needsReply(answered)).to.equal(false);
    expect(unreadCount(answered, 0)).to.equal(1);
    expect(conversationText(answered, s)).to.contain("] Ada: Video call · with Grace · 3:12\n");
    for (const state of ["ringing", "declined", "cancelled", "failed"] as const) {
      expect(needsReply(conversation({}, [call(state, NOW)])), state).to.equal(true);
    }
    const inCall = conversation({}, [call("in-call", NOW, { by: "Grace" })]);
    expect(needsReply(inCall)).to.equal(false);
    expect(preview(inCall, s)).to.equal("Video call · with Grace · in progress");
    expect(preview(conversation({}, [call("ringing", NOW)]), s)).to.equal("Video call · ringing");
  });

  it("counts visitor messages after the last read as unread", () => {
    const c = conversation({}, [msg("visitor", "a", NOW - 3), msg("host", "b", NOW - 2), msg("visitor", "c", NOW - 1), msg("visitor", "d", NOW)]);
    expect(unreadCount(c, 0)).to.equal(3);
    expect(unreadCount(c, NOW - 2)).to.equal(2);
    expect(unreadCount(c, NOW)).to.equal(0);
  });

  it("finds by name, email and text, case and diacritics aside", () => {
    const c = conversation({ name: "Zoë Brontë", email: "Zoe@Example.com" }, [msg("visitor", "Un café, s'il vous plaît", NOW)]);
    for (const q of ["zoe", "BRONTE", "zoe@example", "CAFE", "plait", "  "]) expect(matches(c, q), q).to.equal(true);
    expect(matches(c, "tea")).to.equal(false);
  });

  it("finds a call-back request by its contact and a message by its files' names", () => {
    const callBack: ConversationMessage = { ...msg("visitor", "", NOW), callBack: "+33 6 12 34 56 78" };
    const files: ConversationMessage = { ...msg("visitor", "", NOW), files: [{ id: "f1", name: "Devis-Été.pdf", type: "application/pdf", size: 1200 }] };
    const c = conversation({}, [callBack, files]);
    for (const q of ["+33 6 12", "devis-ete", "ETE.PDF"]) expect(matches(c, q), q).to.equal(true);
    expect(matches(c, "+44")).to.equal(false);
  });

  it("says how long ago: now, minutes, the time today, the weekday this week, else the date", () => {
    expect(relativeTime(NOW - 20_000, NOW, s)).to.equal("now");
    expect(relativeTime(NOW - 5 * MINUTE, NOW, s)).to.equal("5 min");
    expect(relativeTime(NOW - 3 * 60 * MINUTE, NOW, s)).to.equal(
      new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }).format(NOW - 3 * 60 * MINUTE),
    );
    expect(relativeTime(NOW - 2 * DAY, NOW, s)).to.equal(new Intl.DateTimeFormat(undefined, { weekday: "short" }).format(NOW - 2 * DAY));
    const old = NOW - 30 * DAY;
    expect(relativeTime(old, NOW, s)).to.equal(new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" }).format(old));
  });

  it("groups messages by day: Today, Yesterday, else the date", () => {
    const messages = [msg("visitor", "a", NOW - 3 * DAY), msg("visitor", "b", NOW - DAY), msg("host", "c", NOW - DAY + MINUTE), msg("visitor", "d", NOW)];
    const days = byDay(messages, NOW, s);
    expect(days.map((d) => d.heading)).to.deep.equal([
      new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" }).format(NOW - 3 * DAY),
      "Yesterday",
      "Today",
    ]);
    expect(days.map((d) => d.messages.map((m) => m.text).join())).to.deep.equal(["a", "b,c", "d"]);
  });

  it("links only to http(s) pages", () => {
    expect(pageHref("https://example.com/a?b=c")).to.equal("https://example.com/a?b=c");
    expect(pageHref("javascript:alert(1)")).to.equal(undefined);
    expect(pageHref("not a url")).to.equal(undefined);
    expect(pageHref(undefined)).to.equal(undefined);
  });

  it("exports a conversation as text: a header, then [YYYY-MM-DD HH:MM] Name: text per message", () => {
    expect(stamp(new Date(2026, 0, 5, 9, 7).getTime())).to.equal("2026-01-05 09:07");
    const c: Summary = {
      id: "c1",
      name: "Zoë Ünal",
      email: "zoe@example.com",
      page: "https://example.com/pricing",
      updatedAt: NOW,
      messages: [
        msg("visitor", "Hello,\nsecond line", new Date(2026, 10, 25, 11, 58).getTime()),
        { ...msg("host", "Hi!", new Date(2026, 10, 25, 12, 0).getTime()), by: "Ada" },
        msg("host", "No name", new Date(2026, 10, 25, 12, 1).getTime()),
      ],
    };
    expect(conversationText(c, s)).to.equal(
      [
        "Name: Zoë Ünal",
        "Email: zoe@example.com",
        "Page: https://example.com/pricing",
        "",
        "[2026-11-25 11:58] Zoë Ünal: Hello,",
        "    second line",
        "[2026-11-25 12:00] Ada: Hi!",
        "[2026-11-25 12:01] You: No name",
        "",
      ].join("\n"),
    );
    expect(exportFileName(c, s, NOW)).to.equal("conversation-zoe-unal-2026-11-25.txt");
    expect(exportFileName({ ...c, name: "???" , page: undefined }, s, NOW)).to.equal("conversation-visitor-2026-11-25.txt");
  });
});
