/// <reference types="node" />
/**
 * The machine a run measured on, for the report.
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { chromiumPath } from "../../test/chromium.mjs";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string;
  partykit: string;
  wrangler: string;
  partyserver: string;
  /** Open-file limit of the benchmark process (`ulimit -n`). */
  openFilesLimit: string;
}

function run(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 }).trim();
  } catch {
    return "unknown";
  }
}

function packageVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  let chromium = "not found";
  try {
    chromium = run(chromiumPath(), ["--version"]).split("\n")[0]!.replace(/\s+built on.*$/, "");
  } catch {
    // no Chromium: the call set-up figure says so
  }
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    chromium,
    partykit: packageVersion("partykit"),
    wrangler: packageVersion("wrangler"),
    partyserver: packageVersion("partyserver"),
    openFilesLimit: run("/bin/sh", ["-c", "ulimit -n"]),
  };
}
