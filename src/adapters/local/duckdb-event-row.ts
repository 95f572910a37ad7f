import type { ProcessedEvent } from '../../core/event.ts';

/** What `EncodedEvents.encoding` says for rows made by `eventRow`. */
export const EVENT_ROW_ENCODING = 'duckdb-events-tsv-1';

/** One event as a TSV row in the events table's column order; an empty field is NULL. */
export function eventRow(e: ProcessedEvent, fileId: string): string {
  const p = e.principal;
  // One template, no array: this runs once per event.
  return `${tsv(e.id)}\t${e.time}\t${tsv(e.source)}\t${tsv(e.account)}\t${tsv(e.region)}\t${tsv(e.service)}\t${tsv(
    e.action,
  )}\t${tsv(p.type)}\t${tsv(p.id)}\t${tsv(p.name)}\t${tsv(p.arn)}\t${tsv(p.accessKeyId)}\t${tsv(e.sourceIp)}\t${tsv(
    e.userAgent,
  )}\t${tsv(e.errorCode)}\t${tsv(e.errorMessage)}\t${e.readOnly ?? ''}\t${e.riskScore}\t[${e.anomalyFlags.join(
    ',',
  )}]\t${fileId}`;
}

const NEEDS_QUOTES = /[\t\n\r"]/;

/** A TSV field: quoted (quotes doubled) when it holds a tab, newline or quote; "" for an empty string. */
function tsv(value: string | undefined): string {
  if (value === undefined) return '';
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
