// A loopback HTTP server standing in for ip-ranges.amazonaws.com and cloudflare.com (unreachable
// here, and tests need to change what they publish). Bodies are served byte for byte.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedServer {
  /** The URL on 127.0.0.1, or on [::1] (the same port) with ipv6. */
  url: (path: string, opts?: { ipv6?: boolean }) => string;
  /** Publishes `body` at `path` (status 200 unless given). */
  set: (path: string, body: string | Uint8Array, status?: number) => void;
  /** GET requests seen, by path. */
  hits: (path: string) => number;
  close: () => Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, { body: Uint8Array; status: number }>();
  const hits = new Map<string, number>();
  const handle: http.RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(route.status, { 'content-type': 'application/octet-stream', 'content-length': route.body.length }).end(route.body);
  };
  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The same routes on the IPv6 loopback, lazily: only a test that asks for an [::1] URL needs it.
  let v6: http.Server | undefined;
  const listenV6 = () => {
    if (v6) return;
    v6 = http.createServer(handle);
    v6.on('error', (err) => console.error(`[feed-server] [::1]:${port}: ${err.message}`));
    v6.listen(port, '::1');
  };
  return {
    url: (path, opts = {}) => {
      if (!opts.ipv6) return `http://127.0.0.1:${port}${path}`;
      listenV6();
      return `http://[::1]:${port}${path}`;
    },
    set: (path, body, status = 200) => routes.set(path, { body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, status }),
    hits: (path) => hits.get(path) ?? 0,
    close: async () => {
      if (v6?.listening) await new Promise<void>((resolve) => v6!.close(() => resolve()));
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
