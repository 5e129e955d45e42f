/// <reference types="node" />
/**
 * A local Web Push service (RFC 8030), over HTTPS on 127.0.0.1 with a
 * certificate of a test CA made here with `openssl`, checking every push as
 * a real one does, independently of the room's code (Node's crypto only):
 *
 * - `POST` to a subscription's endpoint (`/push/<id>`), else `404`;
 * - `TTL` (RFC 8030 §5.2) present, a non-negative integer, else `400`;
 *   `Urgency` one of the four values (§5.3), `Topic` at most 32 base64url
 *   characters (§5.4), else `400`;
 * - `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292): `k` the key the
 *   subscription was made with (`applicationServerKey`), else `403`; the JWT
 *   signed ES256 by it, `aud` the endpoint's origin, `exp` in the future and
 *   at most 24 hours ahead, `sub` a `mailto:` or `https:` URI, else `401`;
 * - `Content-Encoding: aes128gcm` and a body the subscription's keys decrypt
 *   (RFC 8291), at most 4096 bytes, else `400` / `413`.
 *
 * A push that passes is answered `201` (or what {@link PushService.failNext}
 * scripted) and recorded with its decrypted payload. Servers that push here
 * must trust the CA: start them with `env: { SSL_CERT_FILE: service.caBundle }`.
 * @module
 */
import { execFileSync } from "node:child_process";
import { createECDH, createPublicKey, randomBytes, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decryptPush } from "./push-decrypt.ts";

/** A browser's side of one subscription: what `PushSubscription.toJSON()` gives, and the private key only the browser has. */
export interface TestSubscription {
  id: string;
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  privateKey: Buffer;
  publicKey: Buffer;
  auth: Buffer;
}

/** A push the service accepted (or refused after its checks passed, when scripted). */
export interface ReceivedPush {
  subscription: string;
  status: number;
  ttl: number;
  urgency?: string;
  topic?: string;
  /** The decrypted payload, parsed. */
  payload: Record<string, unknown>;
  /** The VAPID JWT's claims. */
  claims: { aud: string; exp: number; sub?: string };
  at: number;
}

export interface PushService {
  /** `https://127.0.0.1:PORT` */
  origin: string;
  /** A CA bundle (the system's and the test CA) to give a server as `SSL_CERT_FILE`. */
  caBundle: string;
  /**
   * A new subscription, as a browser makes one for `applicationServerKey`
   * (the room's VAPID public key, base64url): its own P-256 key pair and a
   * 16-byte auth secret.
   */
  subscribe(applicationServerKey: string): TestSubscription;
  /** Pushes that passed every check, in arrival order. */
  received: ReceivedPush[];
  /** Requests refused by a check, with the status and why. */
  refused: { status: number; why: string }[];
  /** Answer the next pushes that pass the checks with these statuses (and headers), in order. */
  failNext(...answers: { status: number; headers?: Record<string, string> }[]): void;
  stop(): Promise<void>;
}

const b64u = (b: Buffer) => b.toString("base64url");

/** Make a CA and a certificate for IP 127.0.0.1 signed by it, in `dir`. */
function makeCertificates(dir: string): { key: Buffer; cert: Buffer; ca: string } {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=contact-me test CA");
  run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf");
  return { key: readFileSync(join(dir, "server.key")), cert: readFileSync(join(dir, "server.pem")), ca: join(dir, "ca.pem") };
}

/** Start the push service. */
export async function startPushService(): Promise<PushService> {
  const dir = mkdtempSync(join(tmpdir(), "contact-me-push-"));
  const { key, cert, ca } = makeCertificates(dir);
  const caBundle = join(dir, "bundle.pem");
  let system = "";
  try {
    system = readFileSync("/etc/ssl/certs/ca-certificates.crt", "utf8");
  } catch {
    // no system bundle: the test CA alone
  }
  writeFileSync(caBundle, `${system}\n${readFileSync(ca, "utf8")}`);

  const subscriptions = new Map<string, { sub: TestSubscription; serverKey: string }>();
  const received: ReceivedPush[] = [];
  const refused: { status: number; why: string }[] = [];
  const failures: { status: number; headers?: Record<string, string> }[] = [];
  let origin = "";

  const server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const refuse = (status: number, why: string) => {
        refused.push({ status, why });
        res.writeHead(status, { "content-type": "text/plain" }).end(why);
      };
      const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? "")?.[1];
      const known = id ? subscriptions.get(id) : undefined;
      if (req.method !== "POST") return refuse(405, "only POST");
      if (!known) return refuse(404, "no such subscription");
      const ttlHeader = String(req.headers.ttl ?? "");
      if (!/^\d+$/.test(ttlHeader)) return refuse(400, "TTL header missing or not a non-negative integer");
      const urgency = req.headers.urgency as string | undefined;
      if (urgency !== undefined && !["very-low", "low", "normal", "high"].includes(urgency)) return refuse(400, `bad Urgency ${urgency}`);
      const topic = req.headers.topic as string | undefined;
      if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return refuse(400, `bad Topic ${topic}`);
      // RFC 8292 §3: Authorization: vapid t=<JWT>, k=<public key>.
      const auth = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(String(req.headers.authorization ?? ""));
      if (!auth) return refuse(401, "Authorization is not vapid t=…, k=…");
      const [, token, k] = auth;
      if (k !== known.serverKey) return refuse(403, "k is not the applicationServerKey of the subscription");
      const parts = token!.split(".");
      if (parts.length !== 3) return refuse(401, "malformed JWT");
      let header: { alg?: string };
      let claims: { aud?: string; exp?: number; sub?: string };
      try {
        header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8"));
        claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
      } catch {
        return refuse(401, "JWT parts are not JSON");
      }
      if (header.alg !== "ES256") return refuse(401, `JWT alg ${header.alg}, not ES256`);
      const point = Buffer.from(k!, "base64url");
      const publicKey = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: "jwk" });
      const signed = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(parts[2]!, "base64url"));
      if (!signed) return refuse(401, "JWT signature does not verify with k");
      const now = Math.floor(Date.now() / 1000);
      if (claims.aud !== origin) return refuse(401, `aud ${claims.aud}, not ${origin}`);
      if (typeof claims.exp !== "number" || claims.exp <= now || claims.exp > now + 24 * 60 * 60) return refuse(401, `exp ${claims.exp} not within 24 h`);
      if (typeof claims.sub !== "string" || !/^(mailto:|https:\/\/)/.test(claims.sub)) return refuse(401, `sub ${claims.sub} is not a mailto: or https: URI`);
      if (req.headers["content-encoding"] !== "aes128gcm") return refuse(400, `Content-Encoding ${req.headers["content-encoding"]}, not aes128gcm`);
      const body = Buffer.concat(chunks);
      if (body.length > 4096) return refuse(413, `body of ${body.length} bytes over 4096`);
      let payload: Record<string, unknown>;
      try {
        const { sub } = known;
        payload = JSON.parse(decryptPush(body, sub.privateKey, sub.publicKey, sub.auth).text);
      } catch (err) {
        return refuse(400, `does not decrypt: ${(err as Error).message}`);
      }
      const failure = failures.shift();
      const status = failure?.status ?? 201;
      received.push({ subscription: id!, status, ttl: Number(ttlHeader), urgency, topic, payload, claims: claims as ReceivedPush["claims"], at: Date.now() });
      res.writeHead(status, { ...(status === 201 ? { location: `${origin}/message/${randomBytes(8).toString("hex")}` } : {}), ...failure?.headers }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    caBundle,
    subscribe(applicationServerKey) {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const id = randomBytes(12).toString("base64url");
      const auth = randomBytes(16);
      const sub: TestSubscription = {
        id,
        json: { endpoint: `${origin}/push/${id}`, expirationTime: null, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } },
        privateKey: ecdh.getPrivateKey(),
        publicKey: ecdh.getPublicKey(),
        auth,
      };
      subscriptions.set(id, { sub, serverKey: applicationServerKey });
      return sub;
    },
    received,
    refused,
    failNext: (...answers) => void failures.push(...answers),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
