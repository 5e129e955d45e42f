/**
 * Sharing a screen, window or tab (W3C Screen Capture, `getDisplayMedia`):
 * the browser's picker, the captured track's hint, and the browser's own
 * **Stop sharing**. What the track is sent on is the owner's: a one-to-one
 * call (`CallController`) or every pair of a meeting (`<contact-me-meeting>`).
 * @module
 */

export class ScreenShare {
  /** The shared screen while sharing: a MediaStream with one video track. */
  stream: MediaStream | undefined;
  private stopSending: (() => void) | undefined;

  /** @param changed called whenever sharing starts or stops */
  constructor(private readonly changed: () => void) {}

  /** Whether this browser can share a screen: `getDisplayMedia` exists (it does not on phones). False on the server. */
  static get supported(): boolean {
    return typeof globalThis.navigator?.mediaDevices?.getDisplayMedia === "function";
  }

  /**
   * Ask the browser's picker (`getDisplayMedia({video: true})`) and `send`
   * the track, hinted `detail` (W3C mst-content-hint: text and lines stay
   * sharp, resolution kept over frame rate). Sharing ends with {@link stop},
   * or when the track ends (the browser's own **Stop sharing**), which calls
   * `stopSending`. Never throws.
   * @param send sends the track; may throw
   * @param stopSending stops sending it
   * @param stillWanted asked once the picker answered: false drops the capture (the call ended meanwhile)
   * @returns false when sharing failed for another reason than the person closing the picker (`NotAllowedError`, `AbortError`)
   */
  async start(send: (track: MediaStreamTrack) => Promise<void>, stopSending: () => void, stillWanted: () => boolean = () => true): Promise<boolean> {
    if (this.stream || !ScreenShare.supported) return true;
    let stream: MediaStream | undefined;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = stream.getVideoTracks()[0];
      if (!track) throw new Error("no video track");
      if (!stillWanted() || this.stream) {
        stream.getTracks().forEach((t) => t.stop()); // ended, or shared twice
        return true;
      }
      if ("contentHint" in track) track.contentHint = "detail";
      const shared = stream;
      track.addEventListener("ended", () => {
        if (this.stream === shared) this.stop();
      });
      this.stream = stream;
      this.stopSending = stopSending;
      this.changed();
      await send(track);
      return true;
    } catch (err) {
      if (stream && this.stream === stream) this.stop();
      else stream?.getTracks().forEach((t) => t.stop());
      const name = (err as DOMException)?.name;
      // The person closed the picker: nothing went wrong.
      if (name === "NotAllowedError" || name === "AbortError") return true;
      console.warn("contact-me: could not share the screen", err);
      return false;
    } finally {
      this.changed();
    }
  }

  /** Stop sharing: stop sending, then stop the capture. No-op when not sharing. */
  stop(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    this.stopSending?.();
    this.stopSending = undefined;
    stream.getTracks().forEach((t) => t.stop());
    this.changed();
  }
}
