/// <reference types="node" />
/**
 * Calls through a real coturn relay with ephemeral credentials (TURN REST
 * API): with ICE_TRANSPORT_POLICY=relay the call connects over a relayed
 * candidate pair; with a secret the TURN server does not share, the call ends
 * with **Connection failed** instead of hanging.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { callStats, eventually, visible, type Stats } from "../support/browser.ts";
import { startCoturn, type Coturn } from "../support/coturn.ts";
import { freePort } from "../support/server.ts";
import { availableHostAndVisitor, useStack } from "../support/stack.ts";

const CONNECTED = /\bConnected\b/;
const secret = randomUUID();
// The relay's address is fixed up front: the room is configured with it.
const turnPort = await freePort();
const turnUrl = `turn:127.0.0.1:${turnPort}?transport=udp`;
let coturn: Coturn | undefined;
before(async () => {
  coturn = await startCoturn(secret, { port: turnPort });
});
after(() => coturn?.stop());

const vars = (turnSecret: string) => ({ TURN_URLS: turnUrl, TURN_SECRET: turnSecret, ICE_TRANSPORT_POLICY: "relay" });
const good = useStack({ vars: vars(secret) });
const wrong = useStack({ vars: vars("not-the-secret") });

/** The candidate types of the selected (nominated, succeeded) pair. */
function selectedPair(stats: Stats[] | null): { local?: unknown; remote?: unknown } | undefined {
  const byId = new Map((stats ?? []).map((s) => [s.id, s]));
  const transport = (stats ?? []).find((s) => s.type === "transport" && typeof s.selectedCandidatePairId === "string");
  const pair = transport ? byId.get(transport.selectedCandidatePairId as string) : undefined;
  if (!pair) return undefined;
  return {
    local: byId.get(pair.localCandidateId as string)?.candidateType,
    remote: byId.get(pair.remoteCandidateId as string)?.candidateType,
  };
}

test("TURN relay with ephemeral credentials: the call connects over a relay candidate pair", () =>
  good.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(good, pages, "turn");
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText(CONNECTED));
    await visible(host.page.getByText(CONNECTED));
    for (const [page, sel] of [[visitor.page, "contact-me"], [host.page, "contact-me-host"]] as const) {
      const pair = await eventually(`a selected candidate pair on the ${sel} side`, () => callStats(page, sel), (s) => !!selectedPair(s));
      assert.deepEqual(selectedPair(pair), { local: "relay", remote: "relay" }, `${sel}: both ends relayed`);
      const candidates = (pair ?? []).filter((s) => s.type === "local-candidate");
      assert.ok(candidates.length > 0 && candidates.every((c) => c.candidateType === "relay"), "relay policy: relay candidates only");
    }
    // The secret never reached a page; each page got its own expiring username.
    const frames = [...visitor.frames, ...host.frames].join("\n");
    assert.ok(!frames.includes(secret), "the TURN secret is not in any frame");
    assert.match(frames, /"username":"\d+:[^"]+"/);
    await visitor.panel.getByRole("button", { name: "Hang up" }).click();
    await visible(visitor.panel.getByText("Call ended"));
  }));

test("a wrong TURN secret fails the call with Connection failed, on both sides", () =>
  wrong.run(async (pages) => {
    const { host, visitor } = await availableHostAndVisitor(wrong, pages, "turn-wrong");
    await visitor.panel.getByRole("button", { name: "Audio call" }).click();
    await host.page.getByRole("button", { name: "Accept" }).click();
    await visible(visitor.panel.getByText("Connection failed", { exact: true }));
    await visible(host.page.getByText("Connection failed", { exact: true }));
    // Not a hang: the side that found no relay address says why.
    const why = /Could not get a relay address from the TURN server/;
    await Promise.any([visible(host.page.getByText(why)), visible(visitor.panel.getByText(why))]);
    assert.match(coturn!.logs(), /401|Unauthorized|check_stun_auth|cannot find credentials/i, "coturn refused the credentials");
  }));
