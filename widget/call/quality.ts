/**
 * Connection quality of a call, from RTCPeerConnection.getStats()
 * (W3C webrtc-stats): the selected candidate pair's `currentRoundTripTime`
 * (ICE consent checks, RFC 7675; seconds) and packet loss on the inbound RTP
 * streams over the last interval.
 *
 * Thresholds (round trip in ms, loss in % of packets):
 * - **Good**: RTT < 200 and loss < 2;
 * - **Poor**: RTT ≥ 400 or loss ≥ 8;
 * - **Fair**: in between.
 * They follow the usual guidance for conversational voice (ITU-T G.114:
 * one-way delay under 150 ms is transparent, over 400 ms unacceptable) and
 * Opus/VP8 staying intelligible up to a few % loss with FEC/NACK.
 *
 * Pure functions and a small stateful monitor; no DOM at import time.
 * @module
 */

export type Quality = "good" | "fair" | "poor";

/** One reading. `undefined` when the report does not tell (yet). */
export interface QualitySample {
  /** Round-trip time of the selected candidate pair, ms. */
  rttMs: number | undefined;
  /** Inbound packets lost over the interval, % of those expected. */
  lossPercent: number | undefined;
}

/** Cumulative counters read from one stats report. */
export interface StatsCounters {
  rttMs: number | undefined;
  packetsReceived: number;
  packetsLost: number;
}

type StatsEntry = Record<string, unknown> & { type: string; id: string };

/** Read RTT and inbound packet counters from a getStats() report (or its entries). */
export function readCounters(report: Iterable<StatsEntry> | { forEach(cb: (s: StatsEntry) => void): void }): StatsCounters {
  const entries: StatsEntry[] = [];
  if ("forEach" in report && typeof report.forEach === "function") report.forEach((s: StatsEntry) => entries.push(s));
  else for (const s of report as Iterable<StatsEntry>) entries.push(s);
  const byId = new Map(entries.map((s) => [s.id, s]));
  const transport = entries.find((s) => s.type === "transport" && typeof s.selectedCandidatePairId === "string");
  const pair =
    (transport && byId.get(transport.selectedCandidatePairId as string)) ??
    entries.find((s) => s.type === "candidate-pair" && s.state === "succeeded" && s.nominated === true);
  const rtt = typeof pair?.currentRoundTripTime === "number" ? pair.currentRoundTripTime * 1000 : undefined;
  let packetsReceived = 0;
  let packetsLost = 0;
  for (const s of entries) {
    if (s.type !== "inbound-rtp") continue;
    if (typeof s.packetsReceived === "number") packetsReceived += s.packetsReceived;
    if (typeof s.packetsLost === "number") packetsLost += Math.max(0, s.packetsLost);
  }
  return { rttMs: rtt, packetsReceived, packetsLost };
}

/** Sample over the interval between two readings. */
export function sampleBetween(previous: StatsCounters | undefined, current: StatsCounters): QualitySample {
  const received = current.packetsReceived - (previous?.packetsReceived ?? 0);
  const lost = current.packetsLost - (previous?.packetsLost ?? 0);
  const expected = received + lost;
  return { rttMs: current.rttMs, lossPercent: expected > 0 ? (100 * Math.max(0, lost)) / expected : undefined };
}

/** Grade a sample; unknown values count as fine. */
export function classify(sample: QualitySample): Quality {
  const rtt = sample.rttMs ?? 0;
  const loss = sample.lossPercent ?? 0;
  if (rtt >= 400 || loss >= 8) return "poor";
  if (rtt >= 200 || loss >= 2) return "fair";
  return "good";
}

/** Feeds successive reports; keeps the previous counters for interval loss. */
export class QualityMonitor {
  quality: Quality | undefined;
  sample: QualitySample | undefined;
  private previous: StatsCounters | undefined;

  /** Take one report; returns the new grade. */
  update(report: Parameters<typeof readCounters>[0]): Quality {
    const counters = readCounters(report);
    this.sample = sampleBetween(this.previous, counters);
    this.previous = counters;
    this.quality = classify(this.sample);
    return this.quality;
  }

  reset(): void {
    this.quality = this.sample = this.previous = undefined;
  }
}
