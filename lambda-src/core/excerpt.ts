// What a refusal may echo of hostile input: a short excerpt with control characters escaped, so a
// 100 KB value or an escape sequence never reaches a terminal, a log line or a notification as is.

/** Escapes C0/C1 control characters, DEL and the Unicode line/bidi controls a terminal would act on. */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** At most `max` characters of `text`, escaped, with how much was cut. */
export function clip(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  return escapeControl(cut);
}

/** A value as a short JSON-ish excerpt: strings quoted, objects by kind, never the whole of a large value. */
export function excerpt(value: unknown, max = 60): string {
  if (typeof value === 'string') return `"${clip(value, max).replace(/"/g, '\\"')}"`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return clip(String(value), max);
  return typeof value;
}
