// The feed adapter: one GET with a deadline and a size cap. Bytes are returned untouched, because
// ip-ranges.json is verified by the md5 of the exact bytes.
export type Fetcher = (url: string) => Promise<Uint8Array>;

const TIMEOUT_MS = 20_000;
// ip-ranges.json is ~2 MiB today; anything near this cap is not the file we expect.
const MAX_BYTES = 32 * 1024 * 1024;

export const fetchBytes: Fetcher = async (url) => {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow', headers: { 'user-agent': 'sg-guardian' } });
  } catch (err) {
    throw new Error(`GET ${url} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!res.ok) throw new Error(`GET ${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > MAX_BYTES) throw new Error(`GET ${url}: ${length} bytes is more than the ${MAX_BYTES}-byte cap`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_BYTES) throw new Error(`GET ${url}: ${bytes.length} bytes is more than the ${MAX_BYTES}-byte cap`);
  return bytes;
};
