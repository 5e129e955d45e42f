/**
 * Recording a voice or video message, as a Lit ReactiveController: the
 * microphone (and camera) from `getUserMedia`, a `MediaRecorder` making the
 * first type of `RECORDING_TYPES` this browser supports (W3C MediaStream
 * Recording), the input level (Web Audio `AnalyserNode`, RMS, once a frame),
 * the running time with an automatic stop at the room's limit, the recording
 * to play back, and its upload. Every track is stopped as soon as recording
 * stops, is cancelled, or the element leaves the page.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { mediaType, type MediaType } from "../../protocol/media.ts";
import type { CallMedia } from "../../protocol/socket.ts";
import { browserGlobals, recordingType } from "../call/capabilities.ts";

/**
 * Where the recorder stands: `idle` (nothing asked yet), `starting` (waiting
 * for the microphone, or the visitor's permission), `recording`, `recorded`
 * (ready to play back and send), `sending` (uploading), `sent`, `error`.
 */
export type RecorderState = "idle" | "starting" | "recording" | "recorded" | "sending" | "sent" | "error";

/**
 * Why recording or sending failed:
 * - `denied`: the browser or the visitor did not allow the microphone (or camera) (`NotAllowedError`, `SecurityError`);
 * - `no-device`: no microphone (or camera) (`NotFoundError`, `OverconstrainedError`);
 * - `busy`: the device is in use elsewhere (`NotReadableError`, `AbortError`);
 * - `unsupported`: no `MediaRecorder`, or none of the types it makes is taken by the room;
 * - `failed`: the recorder stopped with an error, or recorded nothing;
 * - `send-failed`: the upload or the message failed (the recording is kept to send again);
 * - `too-large`: the room refused the recording as too long or too large (`413`).
 */
export type RecorderProblem = "denied" | "no-device" | "busy" | "unsupported" | "failed" | "send-failed" | "too-large";

/** A finished recording. */
export interface Recording {
  /** The bytes, typed with the recorder's MIME type without parameters (`audio/webm`, `video/mp4`, …), and a file name. */
  file: Blob & { name: string };
  /** Its type, one the room takes. */
  type: MediaType;
  /** How long it is, in seconds, measured from the recorder's start to its stop, pauses excluded, at most the limit. */
  durationS: number;
  /** An object URL of `file`, for the preview player (revoked when the recording is thrown away). */
  url: string;
}

/**
 * Sends a recording: uploads `file` (its length `durationS` declared),
 * reporting bytes acknowledged, then posts it in the conversation.
 * @throws an error with a `status` of 413 when the room finds it too long or too large; any other error is `send-failed`
 */
export type SendRecording = (
  file: Blob & { name: string },
  durationS: number,
  onProgress: (sentBytes: number, totalBytes: number) => void,
  signal: AbortSignal,
) => Promise<void>;

/** Bit rates asked of the recorder: about 4 MB for two minutes of video, 0.5 MB of voice. */
const AUDIO_BITS_PER_SECOND = 32_000;
const VIDEO_BITS_PER_SECOND = 250_000;
/** How often the recorder hands over its data, ms (so a stop loses at most this much to an error). */
const TIMESLICE_MS = 1000;

/** The recorder's `problem` for a `getUserMedia` rejection (W3C Media Capture and Streams §10.2). */
export function mediaProblem(error: unknown): RecorderProblem {
  const name = (error as { name?: string } | null)?.name;
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "no-device";
  if (name === "NotReadableError" || name === "AbortError" || name === "TrackStartError") return "busy";
  return "failed";
}

export class RecordingController implements ReactiveController {
  state: RecorderState = "idle";
  problem: RecorderProblem | undefined;
  /** The live stream while recording (for the camera preview). */
  stream: MediaStream | undefined;
  /** The input level while recording, 0–1 (RMS of the signal, scaled, falling back slowly). */
  level = 0;
  /** Time recorded so far, ms (pauses excluded). */
  elapsedMs = 0;
  /** The last recording, once stopped. */
  recording: Recording | undefined;
  /** True when the last recording stopped by itself at the limit. */
  stoppedAtLimit = false;
  /** Bytes of the recording the room holds, and its size, while sending. */
  progress = { sent: 0, total: 0 };

  private recorder: MediaRecorder | undefined;
  private audio: AudioContext | undefined;
  private frame: number | undefined;
  private limitTimer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` when the recorder last started or resumed; undefined while paused or stopped. */
  private runningSince: number | undefined;
  /** Time recorded before the last resume, ms. */
  private recordedMs = 0;
  private sending: AbortController | undefined;
  /** Bumped by every start and discard, so a late `getUserMedia` answer of an abandoned start is dropped. */
  private generation = 0;

  /**
   * @param options what to record (`audio` for a voice message, `video`) and
   *   the longest recording, in seconds (the room's `MAX_RECORDING_S`)
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: () => { media: CallMedia; maxSeconds: number },
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The element left the page: stop recording and every track, abort any upload. */
  hostDisconnected(): void {
    this.discard();
  }

  /**
   * Ask for the microphone (and camera) and start recording; any earlier
   * recording is thrown away. Fails into `error` with a {@link RecorderProblem}.
   */
  async start(): Promise<void> {
    this.discard();
    const generation = ++this.generation;
    const { media } = this.options();
    const g = browserGlobals();
    const type = recordingType(g, media);
    const devices = globalThis.navigator?.mediaDevices;
    if (!type || !devices?.getUserMedia) return this.fail("unsupported");
    this.set("starting");
    let stream: MediaStream;
    try {
      stream = await devices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true },
        video: media === "video" ? { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } } : false,
      });
    } catch (error) {
      if (generation === this.generation) this.fail(mediaProblem(error));
      return;
    }
    if (generation !== this.generation) return stopTracks(stream);
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(stream, {
        mimeType: type,
        audioBitsPerSecond: AUDIO_BITS_PER_SECOND,
        ...(media === "video" ? { videoBitsPerSecond: VIDEO_BITS_PER_SECOND } : {}),
      });
    } catch {
      stopTracks(stream);
      return this.fail("unsupported");
    }
    this.stream = stream;
    this.recorder = recorder;
    this.stoppedAtLimit = false;
    const chunks: Blob[] = [];
    recorder.addEventListener("dataavailable", (e) => e.data.size > 0 && chunks.push(e.data));
    recorder.addEventListener("start", () => this.resumed());
    recorder.addEventListener("resume", () => this.resumed());
    recorder.addEventListener("pause", () => this.paused());
    recorder.addEventListener("error", () => {
      if (this.recorder === recorder) this.fail("failed");
    });
    recorder.addEventListener("stop", () => {
      if (this.recorder !== recorder) return;
      this.recorder = undefined;
      this.finish(chunks, recorder.mimeType || type);
    });
    this.meter(stream);
    recorder.start(TIMESLICE_MS);
    this.set("recording");
  }

  /** Stop recording: the recording becomes ready to play back and send (`recorded`). */
  stop(): void {
    const recorder = this.recorder;
    if (!recorder || recorder.state === "inactive") return;
    this.paused();
    this.release();
    recorder.stop();
  }

  /** Throw away what is recorded or being recorded, stop every track, abort a send; back to `idle`. */
  discard(): void {
    this.generation++;
    const recorder = this.recorder;
    this.recorder = undefined;
    if (recorder && recorder.state !== "inactive") recorder.stop();
    this.release();
    this.sending?.abort();
    this.sending = undefined;
    if (this.recording) URL.revokeObjectURL(this.recording.url);
    this.recording = undefined;
    this.elapsedMs = this.recordedMs = 0;
    this.runningSince = undefined;
    this.problem = undefined;
    this.set("idle");
  }

  /**
   * Send the recording with `send`, reporting progress; `sent` once done,
   * else `error` (`too-large`, or `send-failed` with the recording kept).
   * @returns whether it was sent
   */
  async send(send: SendRecording): Promise<boolean> {
    const recording = this.recording;
    if (!recording || this.state === "sending") return false;
    const abort = new AbortController();
    this.sending = abort;
    this.progress = { sent: 0, total: recording.file.size };
    this.problem = undefined;
    this.set("sending");
    try {
      await send(recording.file, recording.durationS, (sent, total) => {
        if (this.sending !== abort) return;
        this.progress = { sent, total };
        this.host.requestUpdate();
      }, abort.signal);
    } catch (error) {
      if (this.sending !== abort) return false;
      this.sending = undefined;
      this.fail((error as { status?: number } | null)?.status === 413 ? "too-large" : "send-failed");
      console.warn("contact-me: could not send the recording", error);
      return false;
    }
    if (this.sending !== abort) return false;
    this.sending = undefined;
    this.set("sent");
    return true;
  }

  private resumed(): void {
    this.runningSince = performance.now();
    const { maxSeconds } = this.options();
    clearTimeout(this.limitTimer);
    this.limitTimer = setTimeout(() => {
      this.stoppedAtLimit = true;
      this.stop();
    }, Math.max(0, maxSeconds * 1000 - this.recordedMs));
  }

  private paused(): void {
    clearTimeout(this.limitTimer);
    if (this.runningSince !== undefined) this.recordedMs += performance.now() - this.runningSince;
    this.runningSince = undefined;
    this.elapsedMs = this.recordedMs;
  }

  /** The recorder stopped: make the {@link Recording} from its data. */
  private finish(chunks: Blob[], recorderType: string): void {
    const type = mediaType(recorderType);
    const { media, maxSeconds } = this.options();
    if (!type || chunks.length === 0) return this.fail(type ? "failed" : "unsupported");
    const blob = new Blob(chunks, { type });
    const extension = type.split("/")[1] === "ogg" ? "ogg" : type.endsWith("mp4") ? "mp4" : "webm";
    const file = Object.assign(blob, { name: `${media === "video" ? "video" : "voice"}-message.${extension}` });
    const durationS = Math.min(maxSeconds, Math.round(this.recordedMs / 100) / 10);
    this.recording = { file, type, durationS, url: URL.createObjectURL(blob) };
    this.set("recorded");
  }

  /** Measure the stream's level (RMS over the analyser's window) and the running time, once a frame, while recording. */
  private meter(stream: MediaStream): void {
    const Context = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    let analyser: AnalyserNode | undefined;
    let samples: Float32Array<ArrayBuffer> | undefined;
    if (Context && stream.getAudioTracks().length) {
      try {
        this.audio = new Context();
        analyser = this.audio.createAnalyser();
        analyser.fftSize = 1024;
        samples = new Float32Array(analyser.fftSize);
        this.audio.createMediaStreamSource(stream).connect(analyser);
        void this.audio.resume().catch(() => undefined);
      } catch {
        analyser = undefined; // No level meter; recording goes on.
      }
    }
    const tick = () => {
      if (analyser && samples) {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const x of samples) sum += x * x;
        const rms = Math.sqrt(sum / samples.length);
        // Speech sits around 0.05–0.3 RMS: scale so it fills the meter, and let it fall back slowly.
        this.level = Math.max(Math.min(1, rms * 4), this.level * 0.9);
      }
      this.elapsedMs = this.recordedMs + (this.runningSince === undefined ? 0 : performance.now() - this.runningSince);
      this.host.requestUpdate();
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  /** Stop the tracks, the level meter and the limit timer. */
  private release(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    clearTimeout(this.limitTimer);
    void this.audio?.close().catch(() => undefined);
    this.audio = undefined;
    if (this.stream) stopTracks(this.stream);
    this.stream = undefined;
    this.level = 0;
  }

  private fail(problem: RecorderProblem): void {
    const recorder = this.recorder;
    this.recorder = undefined;
    if (recorder && recorder.state !== "inactive") recorder.stop();
    this.release();
    this.problem = problem;
    this.set("error");
  }

  private set(state: RecorderState): void {
    this.state = state;
    this.host.requestUpdate();
  }
}

/** Stop every track of `stream` (the camera light goes off). */
function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
