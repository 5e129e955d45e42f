/**
 * Getting the host's attention from a background tab: while calls ring, the
 * page title starts with their count (`(1) …`), and each new call raises a
 * browser notification when the tab is hidden and notifications are allowed.
 * It is tagged `call-<callId>`, as the service worker tags a call's push
 * notification, so the two replace each other rather than showing twice.
 * A ReactiveController of `<contact-me-host>`; touches `document` only in the
 * browser, from {@link AttentionController.ringing}.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";

/** One ringing call, as the dashboard shows it. */
export interface RingingCall {
  callId: string;
  /** Notification title, e.g. "Incoming audio call". */
  title: string;
  /** Notification body, e.g. "from Ada". */
  body: string;
}

const COUNT_PREFIX = /^\(\d+\) /;

export class AttentionController implements ReactiveController {
  private shown = new Map<string, Notification>();

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Ask for permission to notify (call from a user gesture); no-op once answered. */
  requestPermission(): void {
    const N = globalThis.Notification;
    if (N && N.permission === "default") void N.requestPermission().catch(() => {});
  }

  /** The calls ringing now: updates the title count and notifies of new ones. */
  ringing(calls: readonly RingingCall[]): void {
    const doc = globalThis.document;
    if (!doc) return;
    const base = doc.title.replace(COUNT_PREFIX, "");
    const title = calls.length ? `(${calls.length}) ${base}` : base;
    if (doc.title !== title) doc.title = title;

    const ids = new Set(calls.map((c) => c.callId));
    for (const [id, n] of this.shown) {
      if (!ids.has(id)) {
        n.close();
        this.shown.delete(id);
      }
    }
    // Only for a call not notified yet, in a hidden tab: reading the permission asks the browser process, synchronously.
    if (doc.visibilityState !== "hidden" || calls.every((c) => this.shown.has(c.callId))) return;
    const N = globalThis.Notification;
    if (!N || N.permission !== "granted") return;
    for (const call of calls) {
      if (this.shown.has(call.callId)) continue;
      try {
        const n = new N(call.title, { body: call.body, tag: `call-${call.callId}`, requireInteraction: true });
        n.onclick = () => {
          globalThis.focus?.();
          n.close();
        };
        this.shown.set(call.callId, n);
      } catch {
        // Some browsers allow notifications only from a service worker.
      }
    }
  }

  hostDisconnected(): void {
    this.ringing([]);
  }
}
