import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  HOST_TOKEN_TTL_S,
  RESUME_TOKEN_TTL_S,
  findHost,
  issueHostToken,
  issueResumeToken,
  newRoomSecret,
  sameSecret,
  verifyHostToken,
  verifyResumeToken,
  newNonce,
  issueDeclineToken,
  verifyDeclineToken,
} from "../../party/core/auth.ts";

describe("sameSecret / findHost", () => {
  it("is true only for the same string", async () => {
    assert.equal(await sameSecret("k3y", "k3y"), true);
    assert.equal(await sameSecret("k3y", "k3Y"), false);
    assert.equal(await sameSecret("", "k3y"), false);
    assert.equal(await sameSecret("k3y-and-more", "k3y"), false);
  });

  it("finds the host whose key matches", async () => {
    const hosts = new Map([
      ["Ada", "ada-key-123"],
      ["Grace", "grace-key-456"],
    ]);
    assert.equal(await findHost(hosts, "grace-key-456"), "Grace");
    assert.equal(await findHost(hosts, "ada-key-123"), "Ada");
    assert.equal(await findHost(hosts, "nobody"), undefined);
    assert.equal(await findHost(new Map(), "x"), undefined);
  });
});

describe("host tokens", () => {
  const now = Date.UTC(2026, 0, 1);
  const hosts = new Map([
    ["Ada", "ada-key-123"],
    ["Grace Hopper", "grace-key-456"],
  ]);

  it("verify for the host and room they were issued for, until they expire", async () => {
    const token = await issueHostToken("grace-key-456", "Grace Hopper", "site-a", now);
    assert.equal(await verifyHostToken(token, hosts, "site-a", now + 1000), "Grace Hopper");
    assert.equal(await verifyHostToken(token, hosts, "site-b", now), undefined);
    assert.equal(await verifyHostToken(token, hosts, "site-a", now + HOST_TOKEN_TTL_S * 1000), undefined);
  });

  it("die when the host's key changes or the host is removed", async () => {
    const token = await issueHostToken("ada-key-123", "Ada", "site-a", now);
    assert.equal(await verifyHostToken(token, new Map([["Ada", "new-key-789"]]), "site-a", now), undefined);
    assert.equal(await verifyHostToken(token, new Map([["Grace", "grace-key-456"]]), "site-a", now), undefined);
  });

  it("refuse tampered and malformed tokens, and one host's token under another's name", async () => {
    const token = await issueHostToken("ada-key-123", "Ada", "site-a", now);
    const [name, expiry, sig] = token.split(".");
    const grace = Buffer.from("Grace Hopper").toString("base64url");
    for (const bad of [
      `${name}.${Number(expiry) + 3600}.${sig}`,
      `${name}.${expiry}.${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`,
      `${grace}.${expiry}.${sig}`,
      "",
      "x",
      `${name}.${expiry}`,
      `${token}.x`,
    ]) {
      assert.equal(await verifyHostToken(bad, hosts, "site-a", now), undefined, bad);
    }
  });
});

describe("resume tokens", () => {
  const now = Date.UTC(2026, 0, 1);
  const id = "6f1c2c8e-2b1a-4a51-9d5e-0a3c1b2d3e4f";

  const nonce = newNonce();

  it("give back the visitor id and nonce for the same room and secret, until they expire", async () => {
    const secret = newRoomSecret();
    const token = await issueResumeToken(secret, id, nonce, "site-a", now);
    assert.deepEqual(await verifyResumeToken(token, secret, "site-a", now), { visitorId: id, nonce });
    assert.equal(await verifyResumeToken(token, secret, "site-b", now), undefined);
    assert.equal(await verifyResumeToken(token, newRoomSecret(), "site-a", now), undefined);
    assert.equal(await verifyResumeToken(token, secret, "site-a", now + RESUME_TOKEN_TTL_S * 1000), undefined);
  });

  it("refuse a forged visitor id", async () => {
    const secret = newRoomSecret();
    const token = await issueResumeToken(secret, id, nonce, "site-a", now);
    const forged = token.replace(id, "00000000-0000-4000-8000-000000000000");
    assert.equal(await verifyResumeToken(forged, secret, "site-a", now), undefined);
    assert.equal(await verifyResumeToken(token.replace(nonce, newNonce()), secret, "site-a", now), undefined, "another nonce");
  });

  it("accept only the one canonical spelling of a signature", async () => {
    const secret = newRoomSecret();
    // The signature's last character carries 4 bits; the next letter of the alphabet differs
    // only in the 2 unused bits, so a lenient base64url decoder reads the same bytes.
    const token = await issueResumeToken(secret, id, nonce, "site-a", now);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const alias = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)!) + 1];
    assert.ok(await verifyResumeToken(token, secret, "site-a", now));
    assert.equal(await verifyResumeToken(alias, secret, "site-a", now), undefined);
  });
});

describe("decline tokens", () => {
  const secret = newRoomSecret();
  const callId = "1f0c2b7e-0000-4000-8000-000000000001";
  it("stand for their host, for their call and room only", async () => {
    const token = await issueDeclineToken(secret, "room", callId, "Grace Hopper");
    assert.equal(await verifyDeclineToken(token, secret, "room", callId), "Grace Hopper");
    assert.equal(await verifyDeclineToken(token, secret, "room", "1f0c2b7e-0000-4000-8000-000000000002"), undefined, "another call");
    assert.equal(await verifyDeclineToken(token, secret, "other-room", callId), undefined, "another room");
    assert.equal(await verifyDeclineToken(token, newRoomSecret(), "room", callId), undefined, "another room secret");
  });
  it("refuse another host's name under the signature, and malformed tokens", async () => {
    const token = await issueDeclineToken(secret, "room", callId, "Grace");
    const [, sig] = token.split(".");
    const ada = Buffer.from("Ada").toString("base64url");
    assert.equal(await verifyDeclineToken(`${ada}.${sig}`, secret, "room", callId), undefined);
    for (const bad of ["", ".", "x", `${ada}.`, `${ada}.${sig}.x`, `${ada}.${sig}==`]) {
      assert.equal(await verifyDeclineToken(bad, secret, "room", callId), undefined, JSON.stringify(bad));
    }
  });
});
