import type { ProcessedEvent } from '../../core/event.ts';

/** What `EncodedEvents.encoding` says for rows made by `eventRow`. */
export const EVENT_ROW_ENCODING = 'duckdb-events-tsv-1';

/** One event as a TSV row in the events table's column order; an empty field is NULL. */
export function eventRow(e: ProcessedEvent, fileId: string): string {
  const p = e.principal;
  return [
    tsv(e.id),
    e.time,
    tsv(e.source),
    tsv(e.account),
    tsv(e.region),
    tsv(e.service),
    tsv(e.action),
    tsv(p.type),
    tsv(p.id),
    tsv(p.name),
    tsv(p.arn),
    tsv(p.accessKeyId),
    tsv(e.sourceIp),
    tsv(e.userAgent),
    tsv(e.errorCode),
    tsv(e.errorMessage),
    e.readOnly ?? '',
    e.riskScore,
    `[${e.anomalyFlags.join(',')}]`,
    fileId,
  ].join('\t');
}

const NEEDS_QUOTES = /[\t\n\r"]/;

/** A TSV field: quoted (quotes doubled) when it holds a tab, newline or quote; "" for an empty string. */
function tsv(value: string | undefined): string {
  if (value === undefined) return '';
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
