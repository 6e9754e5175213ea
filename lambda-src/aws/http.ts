// The feed adapter: one GET with a deadline and a size cap. Bytes are returned untouched, because
// ip-ranges.json is verified by the md5 of the exact bytes.
//  - https only (plain http just for loopback, so tests and local mirrors can serve the feeds);
//  - redirects followed by hand, only to https on the same host (no downgrade, no other host);
//  - the size cap enforced while streaming (a huge or endless body is cut off, never buffered);
//  - one deadline for the whole exchange, redirects and body included.
export type Fetcher = (url: string) => Promise<Uint8Array>;

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

// ip-ranges.json is ~2 MiB today; anything near this cap is not the file we expect.
export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 20_000, maxBytes: 32 * 1024 * 1024, maxRedirects: 3 };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a URL may not be fetched, or undefined when it may. */
export function refuseUrl(url: URL): string | undefined {
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined;
  return 'must be https:// (http:// only for 127.0.0.1, localhost or [::1])';
}

/** Why a redirect from `from` to `to` is not followed, or undefined when it is: https on the same host only (same origin for loopback http). */
export function refuseRedirect(from: URL, to: URL): string | undefined {
  if (to.protocol === 'https:' && to.host === from.host && !to.username && !to.password) return undefined;
  if (to.origin === from.origin && refuseUrl(to) === undefined) return undefined;
  return `redirects to ${to.origin}; only https:// on ${from.host} is followed`;
}

export function createFetcher(limits: FetchLimits = DEFAULT_FETCH_LIMITS): Fetcher {
  return async (input) => {
    const signal = AbortSignal.timeout(limits.timeoutMs);
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new Error(`GET ${input}: not a URL`);
    }
    const refused = refuseUrl(url);
    if (refused) throw new Error(`GET ${input}: refused, the URL ${refused}`);

    for (let hop = 0; ; hop++) {
      let res: Response;
      try {
        res = await fetch(url, { signal, redirect: 'manual', headers: { 'user-agent': 'sg-guardian' } });
      } catch (err) {
        throw new Error(`GET ${url.href} failed: ${timedOut(err, limits) ?? (err instanceof Error ? err.message : String(err))}`, { cause: err });
      }
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get('location');
        if (!location) throw new Error(`GET ${url.href} answered HTTP ${res.status} without a Location`);
        if (hop >= limits.maxRedirects) throw new Error(`GET ${input}: more than ${limits.maxRedirects} redirects`);
        const next = new URL(location, url);
        const why = refuseRedirect(url, next);
        if (why) throw new Error(`GET ${url.href}: refused, it ${why}`);
        url = next;
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`GET ${url.href} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
      }
      const length = Number(res.headers.get('content-length') ?? '0');
      if (length > limits.maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`GET ${url.href}: ${length} bytes is more than the ${limits.maxBytes}-byte cap`);
      }
      return readCapped(res, url.href, limits);
    }
  };
}

/** Reads the body chunk by chunk and stops (cancelling the stream) as soon as it passes the cap. */
async function readCapped(res: Response, href: string, limits: FetchLimits): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new Error(`GET ${href}: more than the ${limits.maxBytes}-byte cap (stopped reading at ${total} bytes)`);
      }
      chunks.push(value);
    }
  } catch (err) {
    const why = timedOut(err, limits);
    if (why) throw new Error(`GET ${href} failed: ${why}`, { cause: err });
    throw err;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

function timedOut(err: unknown, limits: FetchLimits): string | undefined {
  const name = err instanceof Error ? err.name : '';
  return name === 'TimeoutError' || name === 'AbortError' ? `no complete answer within ${limits.timeoutMs} ms` : undefined;
}

export const fetchBytes: Fetcher = createFetcher();
