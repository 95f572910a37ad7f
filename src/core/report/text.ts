// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * One line of log-derived text, safe to quote anywhere: control, zero-width and bidirectional
 * override characters replaced by spaces, whitespace collapsed, truncated to `max` characters ("…").
 */
export function oneLine(value: string, max: number): string {
  const flat = value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Formats an integer with thousands separators. */
export const fmt = (n: number): string => n.toLocaleString('en-US');

/** ISO-8601 UTC without milliseconds. */
export const iso = (t: number): string => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
