import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root, for tests that read bundled files. */
export const ROOT = resolve(import.meta.dirname, '../..');
export const EXAMPLES = join(ROOT, 'examples/cloudtrail');
export const STRATUS = join(ROOT, 'test/fixtures/cloudtrail/stratus');
export const PANTHER_CASES = join(ROOT, 'test/fixtures/panther/cases.jsonl');

/** Paths of the JSON files in a fixture directory, sorted. */
export function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json') && !n.includes('rule-map'))
    .sort()
    .map((n) => join(dir, n));
}

/** Every CloudTrail record of the given files (delivery files or JSON arrays). */
export function recordsOf(...files: string[]): Record<string, unknown>[] {
  return files.flatMap((f) => {
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    return Array.isArray(doc) ? doc : doc.Records;
  });
}

/** One Panther test case's log (with Panther's p_* fields removed). */
export function pantherLogs(): { ruleId: string; expected: boolean; log: Record<string, unknown> }[] {
  return readFileSync(PANTHER_CASES, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const c = JSON.parse(line);
      const log = Object.fromEntries(
        Object.entries(c.log as Record<string, unknown>).filter(([k]) => !k.startsWith('p_')),
      );
      return { ruleId: c.rule_id, expected: c.expected, log };
    });
}
