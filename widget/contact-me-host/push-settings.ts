/**
 * The dashboard's **Notifications** section: Web Push for the signed-in host.
 *
 * - **Notify this device** asks for permission to notify
 *   (`Notification.requestPermission()`), subscribes the page's service
 *   worker registration with the room's VAPID public key
 *   (`pushManager.subscribe({userVisibleOnly: true, applicationServerKey})`)
 *   and registers the subscription with the room (`push-subscribe`, with a
 *   label such as "Chrome on Linux"); off, it unsubscribes
 *   (`subscription.unsubscribe()`) and tells the room (`push-unsubscribe`).
 * - The host's devices, as the room lists them (`push` frame): each with its
 *   label, when it was added, **This device** for this browser's
 *   subscription, and **Remove**.
 * - **Ring my devices** (`push-ring`): calls ring the host's devices even
 *   with no dashboard open, inside the business hours.
 *
 * Every case has its own words: the browser cannot push (no service worker,
 * no `PushManager`), the page has no service worker, notifications are
 * blocked (and how to allow them), the room cannot push (no public key),
 * subscribing, the push service could not be reached (`subscribe()`
 * rejected), and on. The section shows once the room has sent a `push` frame
 * (a room without Web Push sends none).
 *
 * A ReactiveController of `<contact-me-host>`: it touches `navigator` and
 * `Notification` only in the browser, from `hostConnected` and the host's
 * clicks, never at module level or in its constructor (SSR-safe).
 * @module
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from "lit";
import { MAX_DEVICE_LABEL_LENGTH, type HostMessage, type MessageOf, type PushSubscription as WirePushSubscription, type ServerMessage } from "../../protocol/socket.ts";
import { format } from "../strings.ts";
import { dateFormat } from "../locale.ts";
import type { HostStrings } from "./contact-me-host.strings.ts";

/** What the room last said of Web Push for this host (`push` frame). */
export type PushState = MessageOf<ServerMessage, "push">;
/** One of the host's devices, as the room lists it. */
export type PushDevice = PushState["devices"][number];

/** How long to wait for the page's service worker to become active before subscribing, ms. */
const WORKER_READY_MS = 10_000;
/** How long `pushManager.subscribe()` may take before it counts as failed, ms (it can hang without a network). */
const SUBSCRIBE_MS = 20_000;

/**
 * Where "Notify this device" stands in this browser:
 * - `unsupported`: no service workers, no `PushManager` or no notifications here;
 * - `no-worker`: the page registered no service worker for its scope;
 * - `denied`: notifications are blocked for this site;
 * - `subscribing` / `unsubscribing`: on the way;
 * - `failed`: the push service could not be reached (or refused), see {@link PushSettings.reason};
 * - `ready`: it can be switched on or off.
 */
export type PushStatus = "unsupported" | "no-worker" | "denied" | "subscribing" | "unsubscribing" | "failed" | "ready";

/** The globals Web Push needs, or undefined where any is missing (SSR, an old browser, an insecure page). */
function webPush(): { sw: ServiceWorkerContainer; notification: typeof Notification } | undefined {
  const nav = globalThis.navigator as Navigator | undefined;
  const notification = globalThis.Notification as typeof Notification | undefined;
  if (!nav?.serviceWorker || !("PushManager" in globalThis) || !notification) return undefined;
  return { sw: nav.serviceWorker, notification };
}

/** `promise`, or a rejection with `message` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The bytes of a base64url string (the room's VAPID public key). */
function base64urlBytes(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * A device's name for the host's list, from a User-Agent string: "Chrome on
 * Linux", "Safari on iPhone", "Firefox on Android"…, at most
 * {@link MAX_DEVICE_LABEL_LENGTH} characters.
 */
export function deviceLabel(userAgent: string): string {
  const ua = userAgent;
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /SamsungBrowser\//.test(ua)
        ? "Samsung Internet"
        : /Firefox\/|FxiOS\//.test(ua)
          ? "Firefox"
          : /Chrome\/|Chromium\/|CriOS\//.test(ua)
            ? "Chrome"
            : /Safari\//.test(ua)
              ? "Safari"
              : "Browser";
  const system = /iPhone/.test(ua)
    ? "iPhone"
    : /iPad/.test(ua)
      ? "iPad"
      : /Android/.test(ua)
        ? "Android"
        : /Windows/.test(ua)
          ? "Windows"
          : /CrOS/.test(ua)
            ? "ChromeOS"
            : /Mac OS X|Macintosh/.test(ua)
              ? "macOS"
              : /Linux/.test(ua)
                ? "Linux"
                : "";
  return (system ? `${browser} on ${system}` : browser).slice(0, MAX_DEVICE_LABEL_LENGTH);
}

/** The day a device was added, e.g. "30 Nov 2026", in this browser's locale. */
function addedOn(at: number): string {
  return dateFormat({ dateStyle: "medium" }).format(at);
}

/** What the section needs from the dashboard. */
export interface PushSettingsOptions {
  strings: () => HostStrings;
  /** Send a frame to the room (`push-subscribe`, `push-unsubscribe`, `push-ring`). */
  send: (message: HostMessage) => void;
}

/** The **Notifications** section; the dashboard renders it and feeds it the room's `push` frames. */
export class PushSettings implements ReactiveController {
  /** What the room last said (`push` frame); undefined until one arrives. */
  state: PushState | undefined;
  /** Where this browser stands; see {@link PushStatus}. */
  status: PushStatus = "ready";
  /** Why subscribing failed, as the browser said it (`failed`). */
  reason = "";
  /** This browser's push subscription's endpoint, when it has one. */
  endpoint: string | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: PushSettingsOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.refresh();
  }

  /** The room's news (on connect and on each change). */
  update(state: PushState): void {
    this.state = state;
    this.host.requestUpdate();
  }

  /** This browser's device in the room's list, if registered. */
  get thisDevice(): PushDevice | undefined {
    return this.endpoint === undefined ? undefined : this.state?.devices.find((d) => d.endpoint === this.endpoint);
  }

  /** Read what this browser allows and whether it holds a subscription already. */
  private async refresh(): Promise<void> {
    const push = webPush();
    if (!push) return this.set("unsupported");
    if (push.notification.permission === "denied") this.set("denied");
    try {
      const registration = await push.sw.getRegistration();
      const subscription = await registration?.pushManager.getSubscription();
      this.endpoint = subscription?.endpoint;
    } catch {
      this.endpoint = undefined;
    }
    this.host.requestUpdate();
  }

  private set(status: PushStatus, reason = ""): void {
    this.status = status;
    this.reason = reason;
    this.host.requestUpdate();
  }

  /** **Notify this device** switched on: permission, the service worker, the push service, then the room. */
  async enable(): Promise<void> {
    const push = webPush();
    const publicKey = this.state?.publicKey;
    if (!push) return this.set("unsupported");
    if (!publicKey) return this.host.requestUpdate();
    this.set("subscribing");
    let permission: NotificationPermission;
    try {
      permission = await push.notification.requestPermission();
    } catch {
      permission = push.notification.permission;
    }
    if (permission !== "granted") return this.set(permission === "denied" ? "denied" : "ready");
    try {
      const registration = await push.sw.getRegistration();
      if (!registration) return this.set("no-worker");
      await within(push.sw.ready, WORKER_READY_MS, "the service worker did not start");
      const subscription = await within(
        registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64urlBytes(publicKey) }),
        SUBSCRIBE_MS,
        "no answer",
      );
      this.endpoint = subscription.endpoint;
      const label = deviceLabel(globalThis.navigator?.userAgent ?? "");
      this.options.send({ type: "push-subscribe", subscription: subscription.toJSON() as WirePushSubscription, label });
      this.set("ready");
    } catch (err) {
      console.warn("contact-me-host: cannot subscribe to push:", err);
      this.set("failed", err instanceof Error ? err.message : String(err));
    }
  }

  /** **Notify this device** switched off: unsubscribe here, and have the room forget this device. */
  async disable(): Promise<void> {
    const device = this.thisDevice;
    this.set("unsubscribing");
    try {
      const registration = await webPush()?.sw.getRegistration();
      const subscription = await registration?.pushManager.getSubscription();
      await subscription?.unsubscribe();
    } catch (err) {
      console.warn("contact-me-host: cannot unsubscribe from push:", err);
    }
    this.endpoint = undefined;
    if (device) this.options.send({ type: "push-unsubscribe", id: device.id });
    this.set("ready");
  }

  /** **Remove** beside a device: this one is switched off; another one the room forgets. */
  remove(device: PushDevice): void {
    if (device.endpoint === this.endpoint) void this.disable();
    else this.options.send({ type: "push-unsubscribe", id: device.id });
  }

  private toggleDevice(): void {
    if (this.thisDevice) void this.disable();
    else void this.enable();
  }

  private toggleRing(): void {
    if (this.state) this.options.send({ type: "push-ring", ring: !this.state.ring });
  }

  /** One line on where "Notify this device" stands, or nothing when all is well and off. */
  private statusLine(s: HostStrings) {
    const line = (text: string, alert = false) =>
      alert ? html`<p class="error" role="alert" part="push-status">${text}</p>` : html`<p class="muted" role="status" part="push-status">${text}</p>`;
    if (!this.state?.publicKey) return line(s.pushUnavailable, true);
    switch (this.status) {
      case "unsupported":
        return line(s.pushUnsupported, true);
      case "no-worker":
        return line(s.pushNoWorker, true);
      case "denied":
        return line(s.pushDenied, true);
      case "subscribing":
        return line(s.pushSubscribing);
      case "unsubscribing":
        return line(s.pushUnsubscribing);
      case "failed":
        return line(format(s.pushFailed, { reason: this.reason }), true);
      default:
        return this.thisDevice ? line(s.pushOn) : nothing;
    }
  }

  /** The section; nothing until the room has said anything of Web Push. */
  render() {
    const state = this.state;
    if (!state) return nothing;
    const s = this.options.strings();
    const on = this.thisDevice !== undefined;
    const busy = this.status === "subscribing" || this.status === "unsubscribing";
    const blocked = !state.publicKey || this.status === "unsupported" || this.status === "no-worker" || (this.status === "denied" && !on);
    return html`<section part="notifications" aria-labelledby="notifications-title">
      <h2 id="notifications-title">${s.notifications}</h2>
      <button
        type="button"
        part="notify-device"
        class="switch"
        role="switch"
        aria-checked=${on}
        ?disabled=${busy || blocked}
        @click=${() => this.toggleDevice()}
      >
        <span class="track" aria-hidden="true"></span>${s.notifyDevice}
      </button>
      ${this.statusLine(s)}
      ${state.devices.length
        ? html`<ul aria-label=${s.pushDevices}>
            ${state.devices.map(
              (d) => html`<li class="row" part="push-device">
                <span
                  ><span>${d.label || s.pushUnnamedDevice}</span>${d.endpoint === this.endpoint ? html` <strong>${s.thisDevice}</strong>` : nothing}
                  <span class="muted">${format(s.pushAdded, { date: addedOn(d.at) })}</span></span
                >
                <button
                  type="button"
                  part="push-device-remove"
                  aria-label=${format(s.removeDevice, { name: d.label || s.pushUnnamedDevice })}
                  @click=${() => this.remove(d)}
                >
                  ${s.remove}
                </button>
              </li>`,
            )}
          </ul>`
        : html`<p class="muted">${s.pushNoDevices}</p>`}
      <button type="button" part="ring-devices" class="switch" role="switch" aria-checked=${state.ring} @click=${() => this.toggleRing()}>
        <span class="track" aria-hidden="true"></span>${s.ringDevices}
      </button>
      <p class="muted">${s.ringDevicesHelp}</p>
    </section>`;
  }
}
