/**
 * A recorded message's length in a player. A WebM that `MediaRecorder` made
 * has no duration in its header, so `<audio>`/`<video>` report `duration`
 * `Infinity` (Chromium) until they have seen its end: the seek bar cannot be
 * used and no length shows. {@link settleDuration} seeks past the end once,
 * which makes the element read the whole file and learn its length, then
 * goes back to the start.
 * @module
 */

/**
 * Make `media` learn its real `duration` when it reports `Infinity` (or
 * `NaN`) once its metadata is loaded: seek far past the end, and on the
 * first `timeupdate`/`durationchange` with a finite duration, back to 0.
 * Call it from `loadedmetadata`. Nothing happens when the duration is known.
 * See HTML §4.8.11.6 (`duration`) and Chromium issue 642012.
 */
export function settleDuration(media: HTMLMediaElement): void {
  if (Number.isFinite(media.duration)) return;
  const back = () => {
    if (!Number.isFinite(media.duration)) return;
    media.removeEventListener("timeupdate", back);
    media.removeEventListener("durationchange", back);
    media.currentTime = 0;
  };
  media.addEventListener("timeupdate", back);
  media.addEventListener("durationchange", back);
  media.currentTime = Number.MAX_SAFE_INTEGER;
}

/** {@link settleDuration} as a `loadedmetadata` listener of an `<audio>` or `<video>`. */
export function settleOnMetadata(event: Event): void {
  settleDuration(event.currentTarget as HTMLMediaElement);
}
