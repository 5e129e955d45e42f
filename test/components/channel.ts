/// <reference types="mocha" />
/**
 * A one-way signal channel between two in-page PeerCalls for component
 * tests: it can hold frames back, reorder them, or drop some, so delivery
 * timing is under the test's control.
 * @module
 */
import type { PeerCall, Signal } from "../../widget/call/peer-call.ts";

/** A one-way signal channel that can hold frames back and reorder them. */
export class Channel {
  held: Signal[] = [];
  sent: Signal[] = [];
  open = true;
  drop?: (s: Signal) => boolean;
  constructor(private readonly to: () => PeerCall) {}
  send = (signal: Signal) => {
    this.sent.push(signal);
    if (this.drop?.(signal)) return;
    if (this.open) setTimeout(() => void this.to().receive(signal), 0);
    else this.held.push(signal);
  };
  release(order: (held: Signal[]) => Signal[] = (h) => h) {
    const frames = order(this.held);
    this.held = [];
    this.open = true;
    for (const s of frames) void this.to().receive(s);
  }
}

