// The feed fetcher (aws/http.ts) against a loopback server: https only (loopback http allowed),
// redirects only to https on the same host, the size cap enforced while streaming, a deadline.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, refuseRedirect, refuseUrl } from '../../lambda-src/aws/http.js';

let server: http.Server;
let base = '';
let bodyBytesSent = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const to = (location: string) => {
      res.writeHead(302, { location });
      res.end();
    };
    switch (req.url) {
      case '/ok':
        res.end('173.245.48.0/20');
        return;
      case '/same-origin-redirect':
        return to('/ok');
      case '/to-other-host':
        return to(base.replace('127.0.0.1', 'localhost') + '/ok');
      case '/to-plain-http-elsewhere':
        return to('http://example.com/ips-v4');
      case '/loop':
        return to('/loop');
      case '/endless': {
        // No content-length: chunks until the client stops reading.
        bodyBytesSent = 0;
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (!res.destroyed && bodyBytesSent < 64 * 1024 * 1024) {
            bodyBytesSent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => undefined);
        return pump();
      }
      case '/declared-too-big':
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
        res.write('x');
        return;
      case '/hang':
        return; // never answers
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fetcher = createFetcher({ timeoutMs: 1500, maxBytes: 1024 * 1024, maxRedirects: 3 });

describe('URL policy', () => {
  it.each([
    ['https://ip-ranges.amazonaws.com/ip-ranges.json', undefined],
    ['http://127.0.0.1:8080/x', undefined],
    ['http://localhost/x', undefined],
    ['http://[::1]:9/x', undefined],
    ['http://www.cloudflare.com/ips-v4', 'must be https://'],
    ['ftp://example.com/x', 'must be https://'],
    ['file:///etc/passwd', 'must be https://'],
    ['https://user:pw@example.com/x', 'must not carry credentials'],
  ])('%s', (url, refused) => {
    const why = refuseUrl(new URL(url));
    if (refused === undefined) expect(why).toBeUndefined();
    else expect(why).toContain(refused);
  });

  it.each([
    ['https://a.example/x', 'https://a.example/y', true],
    ['https://a.example/x', 'http://a.example/y', false], // downgrade
    ['https://a.example/x', 'https://b.example/y', false], // other host
    ['https://a.example/x', 'https://a.example:8443/y', false], // other port
    ['http://127.0.0.1:1/x', 'http://127.0.0.1:1/y', true], // loopback, same origin
    ['http://127.0.0.1:1/x', 'http://localhost:1/y', false],
  ])('redirect %s → %s followed: %s', (from, to, followed) => {
    expect(refuseRedirect(new URL(from), new URL(to)) === undefined).toBe(followed);
  });
});

describe('createFetcher on loopback', () => {
  it('returns the exact bytes', async () => {
    expect(Buffer.from(await fetcher(`${base}/ok`)).toString()).toBe('173.245.48.0/20');
  });

  it('follows a same-origin redirect', async () => {
    expect(Buffer.from(await fetcher(`${base}/same-origin-redirect`)).toString()).toBe('173.245.48.0/20');
  });

  it('refuses a non-https URL before any request', async () => {
    await expect(fetcher('http://www.cloudflare.com/ips-v4')).rejects.toThrow('GET http://www.cloudflare.com/ips-v4: refused, the URL must be https://');
  });

  it('refuses a redirect to another host or to plain http elsewhere', async () => {
    await expect(fetcher(`${base}/to-other-host`)).rejects.toThrow(/refused, it redirects to http:\/\/localhost:\d+; only https:\/\/ on 127\.0\.0\.1:\d+ is followed/);
    await expect(fetcher(`${base}/to-plain-http-elsewhere`)).rejects.toThrow('redirects to http://example.com');
  });

  it('stops after maxRedirects', async () => {
    await expect(fetcher(`${base}/loop`)).rejects.toThrow('more than 3 redirects');
  });

  it('cuts an endless body off at the cap while streaming, without reading it all', async () => {
    await expect(fetcher(`${base}/endless`)).rejects.toThrow(/more than the 1048576-byte cap \(stopped reading at \d+ bytes\)/);
    expect(bodyBytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a declared content-length over the cap before reading', async () => {
    await expect(fetcher(`${base}/declared-too-big`)).rejects.toThrow('10485760 bytes is more than the 1048576-byte cap');
  });

  it('gives up at the deadline', async () => {
    await expect(fetcher(`${base}/hang`)).rejects.toThrow('no complete answer within 1500 ms');
  });

  it('names the status of an error answer', async () => {
    await expect(fetcher(`${base}/missing`)).rejects.toThrow(/answered HTTP 404/);
  });
});
