// Cloudflare's published ranges: the text lists (https://www.cloudflare.com/ips-v4, ips-v6) or the
// API body (GET /client/v4/ips). Cloudflare has no sync token; the hash alone tells versions apart.
import * as z from 'zod';
import { DecodeError } from '../core/model.js';
import { fromZod } from '../events/zod-error.js';
import { type IpFamily, requirePublishedCidr } from './cidr.js';
import { type FeedSet, type RangesSummary, makeFeedSet, summarise } from './feed-set.js';
import type { PrefixFloors } from './plausibility.js';

export const CLOUDFLARE_IPV4_URL = 'https://www.cloudflare.com/ips-v4';
export const CLOUDFLARE_IPV6_URL = 'https://www.cloudflare.com/ips-v6';
export const CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4/ips';

// Extra result fields (china_colos, jdcloud_cidrs with ?networks=jdcloud) are other networks: ignored.
const ApiSchema = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() })).nullish(),
  result: z
    .object({
      ipv4_cidrs: z.array(z.string()),
      ipv6_cidrs: z.array(z.string()),
      etag: z.string().optional(),
    })
    .nullish(),
});

/**
 * Parses the two text lists: one CIDR per line. The real files have no trailing newline; CRLF,
 * blank lines, surrounding spaces and a trailing newline are tolerated. An HTML error page (or
 * a v6 list where v4 was expected) fails on its first line, naming the list and line.
 */
export function parseCloudflareText(v4Text: string, v6Text: string): FeedSet {
  return makeFeedSet('cloudflare', [...textLines(v4Text, 'ips-v4', 'ipv4'), ...textLines(v6Text, 'ips-v6', 'ipv6')]);
}

/** Parses the API body (object or JSON text). `success: false` is an error naming Cloudflare's code and message. */
export function parseCloudflareApi(json: unknown): FeedSet {
  let body = json;
  if (typeof json === 'string') {
    try {
      body = JSON.parse(json) as unknown;
    } catch (err) {
      throw new DecodeError(`is not valid JSON (${(err as Error).message})`, 'cloudflare api');
    }
  }
  const parsed = ApiSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, '');
  const { success, errors, result } = parsed.data;
  if (!success) {
    const detail = (errors ?? []).map((e) => `${e.code ?? '?'} ${e.message ?? ''}`.trim()).join('; ') || 'no error detail';
    throw new DecodeError(`Cloudflare API reported failure: ${detail}`, 'success');
  }
  if (!result) throw new DecodeError('is missing although success is true', 'result');
  const cidrs = [
    ...result.ipv4_cidrs.map((c, i) => requirePublishedCidr(c, `result.ipv4_cidrs[${i}]`, 'ipv4').text),
    ...result.ipv6_cidrs.map((c, i) => requirePublishedCidr(c, `result.ipv6_cidrs[${i}]`, 'ipv6').text),
  ];
  return makeFeedSet('cloudflare', cidrs, result.etag === undefined ? {} : { etag: result.etag });
}

/** For `sg-guardian ranges cloudflare`. */
export function rangesFromCloudflare(input: { v4Text: string; v6Text: string } | { json: unknown }, floors?: PrefixFloors): RangesSummary {
  return summarise('json' in input ? parseCloudflareApi(input.json) : parseCloudflareText(input.v4Text, input.v6Text), floors);
}

function textLines(text: string, list: string, family: IpFamily): string[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '')
    .map(({ line, i }) => requirePublishedCidr(line, `${list} line ${i + 1}`, family).text);
}
