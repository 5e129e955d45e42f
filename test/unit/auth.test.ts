import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HOST_TOKEN_TTL_S, issueHostToken, sameSecret, verifyHostToken } from "../../party/auth.ts";

describe("sameSecret", () => {
  it("is true only for the same string", async () => {
    assert.equal(await sameSecret("k3y", "k3y"), true);
    assert.equal(await sameSecret("k3y", "k3Y"), false);
    assert.equal(await sameSecret("", "k3y"), false);
    assert.equal(await sameSecret("k3y-and-more", "k3y"), false);
  });
});

describe("host tokens", () => {
  const now = Date.UTC(2026, 0, 1);

  it("verify for the room and key they were issued for, until they expire", async () => {
    const token = await issueHostToken("secret", "site-a", now);
    assert.match(token, /^\d+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyHostToken(token, "secret", "site-a", now + 1000), true);
    assert.equal(await verifyHostToken(token, "other-secret", "site-a", now), false);
    assert.equal(await verifyHostToken(token, "secret", "site-b", now), false);
    assert.equal(await verifyHostToken(token, "secret", "site-a", now + HOST_TOKEN_TTL_S * 1000), false);
  });

  it("refuse tampered and malformed tokens", async () => {
    const token = await issueHostToken("secret", "site-a", now);
    const [expiry, sig] = token.split(".");
    const later = `${Number(expiry) + 3600}.${sig}`;
    assert.equal(await verifyHostToken(later, "secret", "site-a", now), false);
    const flipped = `${expiry}.${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    assert.equal(await verifyHostToken(flipped, "secret", "site-a", now), false);
    for (const bad of ["", "x", "1.2", `${expiry}.${sig}=`, `${expiry}.${sig}.x`]) {
      assert.equal(await verifyHostToken(bad, "secret", "site-a", now), false, bad);
    }
  });
});
