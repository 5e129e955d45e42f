/**
 * The dashboard's ring: a two-tone chime synthesized with Web Audio (no
 * audio file to host), repeated every 2 s while a call is waiting.
 *
 * Browsers only let audio start after a user gesture: call {@link Ringer.unlock}
 * from a click (Sign in, Available) so later rings are heard.
 * @module
 */
export class Ringer {
  private context: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Create or resume the AudioContext; call from a user gesture. */
  unlock(): void {
    const Ctor = globalThis.AudioContext;
    if (!Ctor) return;
    this.context ??= new Ctor();
    if (this.context.state === "suspended") void this.context.resume();
  }

  get ringing(): boolean {
    return this.timer !== undefined;
  }

  /** Start ringing (idempotent). */
  start(): void {
    if (this.timer !== undefined) return;
    this.chime();
    this.timer = setInterval(() => this.chime(), 2000);
  }

  /** Stop ringing (idempotent). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private chime(): void {
    const ctx = this.context;
    if (!ctx || ctx.state !== "running") return;
    const t = ctx.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t + i * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.25, t + i * 0.35 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.35 + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t + i * 0.35);
      osc.stop(t + i * 0.35 + 0.32);
    }
  }
}
