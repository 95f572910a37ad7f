import { isLakeHeader, lakeRowToRecord } from './cloudtrail-lake.ts';
import { csvRows } from './csv.ts';
import { isCloudTrailRecord, recordFromSiem } from './siem-export.ts';

/** The ways CloudTrail records reach logwarden besides a trail's own delivery files. */
export type CloudTrailShape =
  | 'delivery-file'
  | 'records'
  | 'lookup-events'
  | 'lake-results'
  | 'lake-csv'
  | 'eventbridge'
  | 'siem-export';

/** What every input error about an unrecognised JSON document lists. */
export const UNDERSTOOD_SHAPES =
  'understood: CloudTrail delivery files {"Records":[…]}, JSON arrays or lines of CloudTrail records, ' +
  '`aws cloudtrail lookup-events` output {"Events":[{"CloudTrailEvent":…}]}, CloudTrail Lake results ' +
  '{"QueryResultRows":[…]} and CSV exports, EventBridge events ("detail-type": "AWS API Call via CloudTrail"), ' +
  'SIEM exports (Elasticsearch/OpenSearch hits, Logstash @timestamp, Elastic Common Schema, Splunk _raw)';

/** One record found in a document, with where it came from. */
export interface ShapedRecord {
  record: unknown;
  /** Record index (0-based, in the file) or line number, as the shape reports positions. */
  index: number;
  shape: CloudTrailShape;
  /** Set when the item was recognised as a wrapper but held no usable record. */
  error?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** EventBridge detail-types that carry a CloudTrail record in `detail`. */
const CLOUDTRAIL_DETAIL_TYPE = /via CloudTrail$/;

/**
 * One item (array element, JSON line, page entry) as a CloudTrail record: the record itself, a
 * lookup-events entry, an EventBridge envelope or a SIEM document. Undefined when it is none of them.
 */
export function recordOfItem(item: unknown, index: number): ShapedRecord | undefined {
  if (!isObject(item)) return undefined;
  if (isCloudTrailRecord(item)) return { record: item, index, shape: 'records' };
  if ('CloudTrailEvent' in item) {
    const text = item.CloudTrailEvent;
    if (typeof text !== 'string')
      return { record: item, index, shape: 'lookup-events', error: 'CloudTrailEvent is not a string' };
    try {
      return { record: JSON.parse(text), index, shape: 'lookup-events' };
    } catch (err) {
      return {
        record: item,
        index,
        shape: 'lookup-events',
        error: `CloudTrailEvent is not valid JSON: ${(err as Error).message}`,
      };
    }
  }
  const detailType = item['detail-type'];
  if (typeof detailType === 'string' && 'detail' in item) {
    if (!CLOUDTRAIL_DETAIL_TYPE.test(detailType))
      return {
        record: item,
        index,
        shape: 'eventbridge',
        error: `EventBridge event of detail-type "${detailType.slice(0, 60)}" carries no CloudTrail record`,
      };
    if (!isObject(item.detail))
      return { record: item, index, shape: 'eventbridge', error: 'EventBridge "detail" is not an object' };
    // EventBridge does not copy every field; the envelope still knows the account and region.
    const detail = { ...item.detail };
    if (detail.recipientAccountId === undefined && typeof item.account === 'string')
      detail.recipientAccountId = item.account;
    if (detail.awsRegion === undefined && typeof item.region === 'string') detail.awsRegion = item.region;
    return { record: detail, index, shape: 'eventbridge' };
  }
  const siem = recordFromSiem(item);
  if (siem) return { record: siem.record, index, shape: 'siem-export' };
  if ('eventName' in item || 'eventTime' in item) return { record: item, index, shape: 'records' };
  return undefined;
}

/**
 * The records of one parsed document: a delivery file, a page of `lookup-events` output, a page
 * of Lake results, an Elasticsearch `_search` response, an array of items or a single item.
 * `first` numbers records on from earlier documents of the same file. Returns a string (why)
 * when the document is of no shape known here.
 */
export function recordsOfDocument(doc: unknown, first: number): ShapedRecord[] | string {
  if (Array.isArray(doc)) {
    return doc.map(
      (item, i) =>
        recordOfItem(item, first + i) ?? {
          record: item,
          index: first + i,
          shape: 'records',
          error: isObject(item)
            ? `not a CloudTrail record (keys: ${keysOf(item)}); ${UNDERSTOOD_SHAPES}`
            : 'record is not a JSON object',
        },
    );
  }
  if (!isObject(doc)) return `JSON ${doc === null ? 'null' : typeof doc} is not a CloudTrail document`;
  if ('Records' in doc) {
    if (!Array.isArray(doc.Records)) return '"Records" is not an array';
    return doc.Records.map((record, i) => ({ record, index: first + i, shape: 'delivery-file' as const }));
  }
  if (Array.isArray(doc.Events)) return itemsOf(doc.Events, first, 'lookup-events');
  if (Array.isArray(doc.QueryResultRows)) {
    return doc.QueryResultRows.map((row, i) =>
      Array.isArray(row) || isObject(row)
        ? {
            record: lakeRowToRecord(row as Record<string, unknown>[]),
            index: first + i,
            shape: 'lake-results' as const,
          }
        : {
            record: row,
            index: first + i,
            shape: 'lake-results' as const,
            error: 'result row is not a list of columns',
          },
    );
  }
  if (isObject(doc.hits) && Array.isArray(doc.hits.hits)) return itemsOf(doc.hits.hits, first, 'siem-export');
  const item = recordOfItem(doc, first);
  if (item) return [item];
  return `unknown JSON shape (top-level keys: ${keysOf(doc)}); ${UNDERSTOOD_SHAPES}`;
}

function itemsOf(items: unknown[], first: number, shape: CloudTrailShape): ShapedRecord[] {
  return items.map(
    (item, i) =>
      recordOfItem(item, first + i) ?? {
        record: item,
        index: first + i,
        shape,
        error: `entry is not a CloudTrail record in the ${shape} shape`,
      },
  );
}

function keysOf(doc: Record<string, unknown>): string {
  const keys = Object.keys(doc);
  const shown = keys.slice(0, 6).map((k) => JSON.stringify(k.slice(0, 40)));
  return `${shown.join(', ')}${keys.length > 6 ? ` … ${keys.length - 6} more` : ''}` || 'none';
}

/** True when a text's first line is the header of a CloudTrail Lake CSV export. */
export function isLakeCsv(firstLine: string): boolean {
  return firstLine.includes(',') && isLakeHeader(firstLine.split(',').map((c) => c.replace(/"/g, '')));
}

/** The rows of a CloudTrail Lake CSV export (header line of Lake column names), numbered by line. */
export function lakeCsvRecords(text: string): ShapedRecord[] {
  let header: string[] | undefined;
  const out: ShapedRecord[] = [];
  for (const { line, fields } of csvRows(text)) {
    if (!header) {
      header = fields;
      continue;
    }
    if (fields.length !== header.length) {
      out.push({
        record: fields,
        index: line,
        shape: 'lake-csv',
        error: `row has ${fields.length} fields, the header ${header.length}`,
      });
      continue;
    }
    const row: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) row[header[i]] = fields[i];
    out.push({ record: lakeRowToRecord(row), index: line, shape: 'lake-csv' });
  }
  return out;
}

/** How the summary and `--verbose` name a shape. */
export const SHAPE_LABEL: Record<CloudTrailShape, string> = {
  'delivery-file': 'cloudtrail',
  records: 'cloudtrail',
  'lookup-events': 'cloudtrail lookup-events',
  'lake-results': 'cloudtrail lake results',
  'lake-csv': 'cloudtrail lake csv export',
  eventbridge: 'cloudtrail eventbridge',
  'siem-export': 'cloudtrail siem export',
};
