/// <reference types="node" />
/**
 * A reverse proxy in front of `partykit dev` that adds a
 * `Content-Security-Policy` header to every HTML page, so a test can load the
 * demo the way a site with a strict policy serves it. Everything else (the
 * scripts, the room's HTTP endpoints and WebSockets) passes through unchanged,
 * on the proxy's own origin.
 * @module
 */
import { createServer, request, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";

export interface CspProxy {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  stop(): Promise<void>;
}

/** Start a proxy to `target` (`http://127.0.0.1:PORT`) that serves HTML with `policy`. */
export async function startCspProxy(target: string, policy: string): Promise<CspProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (up: IncomingMessage) => {
        const headers = { ...up.headers };
        if (String(headers["content-type"] ?? "").startsWith("text/html")) headers["content-security-policy"] = policy;
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  /** Piped WebSocket connections, which `close()` does not end. */
  const tunnels = new Set<{ destroy(): void }>();
  // WebSockets: replay the upgrade request upstream, then pipe bytes both ways.
  server.on("upgrade", (req, socket, head) => {
    tunnels.add(socket);
    socket.once("close", () => tunnels.delete(socket));
    const up = connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === "host" ? upstream.host : req.rawHeaders[i + 1]}`);
      }
      up.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket).pipe(up);
    });
    tunnels.add(up);
    up.once("close", () => tunnels.delete(up));
    up.on("error", () => socket.destroy());
    socket.on("error", () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const tunnel of tunnels) tunnel.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
