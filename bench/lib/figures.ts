/**
 * What a benchmark produces: figures, each beside its baseline, or an explicit
 * reason why it is not available.
 * @module
 */

/** The comparison a figure is measured against. */
export interface Baseline {
  /** What the baseline is, e.g. "plain Node `ws` server". */
  label: string;
  median?: number;
  p99?: number;
  /** A published number, not measured in this run. */
  published?: boolean;
}

export interface Figure {
  /** Stable key, e.g. `relay.1000x10`. */
  id: string;
  /** Section heading, e.g. "Relay latency". */
  section: string;
  /** Row label: what exactly is measured. */
  name: string;
  /** The server measured, where a section measures several (e.g. `wrangler dev`); reports give it a column. */
  runtime?: string;
  unit: string;
  /** Number of samples behind `median` / `p99`. */
  n?: number;
  median?: number;
  /** Present where a tail makes sense (latencies). */
  p99?: number;
  baseline?: Baseline;
  /** `median / baseline.median`. */
  ratio?: number;
  /** An explicit, expected reason the figure cannot be measured (e.g. the feature does not exist). */
  unavailable?: string;
  /** The benchmark failed or ran out of time; a run with errors is not a valid result. */
  error?: string;
  /** `error` frames the room sent during this figure, by code. */
  errorFrames?: Record<string, number>;
  notes?: string;
}

/** Attach `ratio` when both medians are there. */
export function withRatio(f: Figure): Figure {
  if (f.median !== undefined && f.baseline?.median !== undefined && f.baseline.median !== 0) {
    return { ...f, ratio: f.median / f.baseline.median };
  }
  return f;
}

/**
 * What is wrong with `f` as a produced figure: nothing when it has a finite
 * median (and finite baseline, p99 and ratio where present) or an explicit
 * `unavailable` reason; otherwise a description.
 */
export function figureProblem(f: Figure): string | undefined {
  if (f.error) return `${f.id}: ${f.error}`;
  if (f.unavailable) return undefined;
  const bad = (v: number | undefined): boolean => v !== undefined && !Number.isFinite(v);
  if (f.median === undefined || !Number.isFinite(f.median)) return `${f.id}: no median`;
  if (bad(f.p99)) return `${f.id}: p99 is not a number`;
  if (f.baseline && (f.baseline.median === undefined || !Number.isFinite(f.baseline.median))) return `${f.id}: no baseline median`;
  if (bad(f.baseline?.p99)) return `${f.id}: baseline p99 is not a number`;
  if (bad(f.ratio)) return `${f.id}: ratio is not a number`;
  return undefined;
}

/** A figure for a benchmark that failed. */
export function failed(id: string, section: string, name: string, unit: string, err: unknown): Figure {
  return { id, section, name, unit, error: err instanceof Error ? err.message.split("\n")[0]! : String(err) };
}
