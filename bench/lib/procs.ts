/// <reference types="node" />
/**
 * Process memory from /proc (Linux): the processes a server runs as, and
 * their resident set size (VmRSS).
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Executable name (`comm`), e.g. `workerd`, `node`. */
  name: string;
  /** Command line, arguments joined by spaces. */
  cmdline: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
    const close = stat.lastIndexOf(")");
    const name = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    return { pid, ppid, name, cmdline };
  } catch {
    return undefined; // exited meanwhile, or not Linux
  }
}

/** Every live process. */
export function allProcesses(): ProcInfo[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e)).flatMap((e) => readProc(Number(e)) ?? []);
}

/** `root` and all its descendants. */
export function descendants(root: number, procs: ProcInfo[] = allProcesses()): ProcInfo[] {
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of procs) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const rootInfo = procs.find((p) => p.pid === root);
  const stack = rootInfo ? [rootInfo] : [];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p.pid) ?? []));
  }
  return out;
}

/**
 * The processes of a local dev server (`partykit dev` or `wrangler dev`)
 * started by this process on `port`: its node process(es), found by `dev` and
 * `--port <port>` on the command line (wrangler's launcher starts a second
 * node process with the same arguments, below the first), and everything
 * below them. `workerd` is the runtime that hosts the rooms: one process
 * under `partykit dev`; two under `wrangler dev` (its dev proxy, which listens
 * on the port and forwards every request and socket, and the one that runs
 * the Worker and its Durable Objects).
 */
export function devServerProcesses(port: number): { all: ProcInfo[]; workerd: ProcInfo[] } {
  const procs = allProcesses();
  const mine = descendants(process.pid, procs);
  const matches = mine.filter((p) => p.pid !== process.pid && / dev /.test(` ${p.cmdline} `) && p.cmdline.includes(`--port ${port}`));
  const matched = new Set(matches.map((p) => p.pid));
  // Only the outermost match: its descendants include the nested ones.
  const roots = matches.filter((p) => !matched.has(p.ppid));
  const all = roots.flatMap((r) => descendants(r.pid, procs));
  return { all, workerd: all.filter((p) => p.name === "workerd") };
}

/** VmRSS of `pid` in KiB, or NaN if it cannot be read. */
export function rssKiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Sum of VmRSS of `pids` in KiB (NaN if none could be read). */
export function totalRssKiB(pids: readonly number[]): number {
  const values = pids.map(rssKiB).filter((v) => Number.isFinite(v));
  return values.length ? values.reduce((a, b) => a + b, 0) : Number.NaN;
}

/** CPU time (user + system) of `pid` in clock ticks, or NaN. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system) of `pids` together, in seconds (assumes 100 ticks/s, Linux's USER_HZ). */
export function cpuSeconds(pids: readonly number[]): number {
  return pids.reduce((a, p) => a + (cpuTicks(p) || 0), 0) / 100;
}

/**
 * Measure how busy `pids` and this process are while `work` runs, as a share
 * of one core (1 = one core fully busy).
 */
export async function cpuLoad<T>(pids: readonly number[], work: () => Promise<T>): Promise<{ result: T; server: number; generator: number }> {
  const wall0 = performance.now();
  const server0 = cpuSeconds(pids);
  const self0 = process.cpuUsage();
  const result = await work();
  const wall = (performance.now() - wall0) / 1000;
  const self = process.cpuUsage(self0);
  return { result, server: (cpuSeconds(pids) - server0) / wall, generator: (self.user + self.system) / 1e6 / wall };
}

/**
 * Wait until `pids` are (nearly) idle: at most one clock tick (10 ms) of CPU in
 * a 250 ms window, or `maxMs` passed. Used between trials so that one
 * trial's clean-up (hundreds of sockets closing) does not land in the next.
 * @returns whether the processes went quiet in time
 */
export async function settle(pids: readonly number[], maxMs = 5_000): Promise<boolean> {
  const total = (): number => pids.reduce((a, p) => a + (cpuTicks(p) || 0), 0);
  const end = Date.now() + maxMs;
  let before = total();
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = total();
    if (now - before <= 1) return true;
    before = now;
  }
  return false;
}
