/// <reference types="node" />
/**
 * The run's time budget: every benchmark checks it between steps, so a run
 * stops by itself instead of hanging on a slow machine.
 * @module
 */

/** Thrown when the budget is spent; the benchmark in progress is reported as not finished. */
export class DeadlineExceeded extends Error {
  constructor(what: string) {
    super(`run deadline reached during ${what}`);
    this.name = "DeadlineExceeded";
  }
}

export class Deadline {
  readonly end: number;

  constructor(readonly budgetMs: number) {
    this.end = Date.now() + budgetMs;
  }

  /** Milliseconds left (0 when spent). */
  remaining(): number {
    return Math.max(0, this.end - Date.now());
  }

  /** @throws DeadlineExceeded when the budget is spent */
  check(what: string): void {
    if (Date.now() >= this.end) throw new DeadlineExceeded(what);
  }

  /** The smaller of `ms` and the time left, at least 1 ms. */
  cap(ms: number): number {
    return Math.max(1, Math.min(ms, this.remaining()));
  }
}

/** Reject with `what` if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms)} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
