import { z } from 'zod';
import type { Severity } from '../../finding.ts';
import { stableId } from '../../hash.ts';
import type { Rule, RuleScope } from '../rule.ts';
import { compileDetection } from './detection.ts';
import { type SigmaProblemKind, SigmaRuleProblem } from './errors.ts';
import { fieldAccessor } from './field-path.ts';
import { mitreFromTags } from './mitre-tags.ts';

/** A parsed Sigma YAML document and where it came from (a path, for messages and ids). */
export interface SigmaSource {
  path: string;
  doc: unknown;
}

/** A Sigma rule that cannot run, with the reason: listed, never silently dropped. */
export interface UnrunnableSigmaRule {
  path: string;
  /** `sigma:<id>` when the document has an id. */
  id?: string;
  title?: string;
  kind: SigmaProblemKind;
  reason: string;
}

/** The outcome of compiling one Sigma document. */
export type SigmaCompileResult = { ok: true; rule: Rule } | { ok: false; problem: UnrunnableSigmaRule };

const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/** The parts of a Sigma rule logwarden reads; other attributes are allowed and ignored. */
const sigmaRuleSchema = z.object({
  title: z.string().min(1),
  id: z.string().min(1).optional(),
  status: z.string().optional(),
  description: z.string().optional(),
  references: stringList.optional(),
  author: z.string().optional(),
  tags: z.array(z.string()).optional(),
  level: z.enum(['informational', 'low', 'medium', 'high', 'critical']).optional(),
  falsepositives: stringList.optional(),
  related: z.array(z.object({ id: z.string(), type: z.string().optional() })).optional(),
  logsource: z.object({
    product: z.string().optional(),
    service: z.string().optional(),
    category: z.string().optional(),
  }),
  detection: z.unknown(),
});

const LEVELS: Record<string, Severity> = {
  informational: 'LOW',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/** Largest evidence string kept per field. */
const MAX_FIELD_TEXT = 300;

/**
 * Compiles one Sigma document into a logwarden rule (origin `sigma`, id `sigma:<uuid>`), or says why it
 * cannot run. Only AWS CloudTrail rules (`logsource.product: aws`, service `cloudtrail` or none) apply.
 */
export function compileSigmaRule(source: SigmaSource): SigmaCompileResult {
  const { path, doc } = source;
  const head = headOf(doc);
  const fail = (kind: SigmaProblemKind, reason: string): SigmaCompileResult => ({
    ok: false,
    problem: { path, ...head, kind, reason },
  });
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return fail('invalid', 'not a Sigma rule: the document is not a YAML map');
  }
  const obj = doc as Record<string, unknown>;
  if ('correlation' in obj)
    return fail('unsupported', 'Sigma correlation rules (counts over many events) are not supported');
  if ('filter' in obj && !('detection' in obj))
    return fail('unsupported', 'Sigma meta filters are not supported');
  if ('action' in obj)
    return fail('unsupported', `rule collections (action: ${String(obj.action)}) are not supported`);
  const parsed = sigmaRuleSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    return fail('invalid', `not a valid Sigma rule: ${problems.join('; ')}`);
  }
  const rule = parsed.data;
  if (rule.status === 'deprecated' || rule.status === 'unsupported') {
    return fail('unsupported', `status "${rule.status}": SigmaHQ marks the rule as not to be used`);
  }
  const { product, service, category } = rule.logsource;
  if (
    product?.toLowerCase() !== 'aws' ||
    (service !== undefined && service.toLowerCase() !== 'cloudtrail') ||
    category
  ) {
    const shown = JSON.stringify(rule.logsource);
    return fail(
      'other-logsource',
      `logsource ${shown} is not AWS CloudTrail (product: aws, service: cloudtrail)`,
    );
  }
  let detection: ReturnType<typeof compileDetection>;
  try {
    detection = compileDetection(rule.detection);
  } catch (err) {
    if (err instanceof SigmaRuleProblem) return fail(err.problem, err.message);
    throw err;
  }

  const id = head.id ?? `sigma:${stableId('sigma-path', path).slice(0, 16)}`;
  const appliesTo: RuleScope = { source: ['cloudtrail'] };
  const sources = detection.requiredValues('eventSource');
  const names = detection.requiredValues('eventName');
  if (sources) appliesTo.eventSource = sources;
  if (names) appliesTo.eventName = names;

  const readers = detection.fields.map((f) => [f, fieldAccessor(f)] as const);
  const falsePositives = rule.falsepositives?.filter((f) => f.trim() !== '') ?? [];
  const description = (rule.description ?? rule.title).trim();
  const compiled: Rule = {
    id,
    title: rule.title,
    description,
    severity: LEVELS[rule.level ?? 'low'],
    mitre: mitreFromTags(rule.tags ?? []),
    appliesTo,
    origin: 'sigma',
    references: rule.references ?? [],
    equivalents: (rule.related ?? []).map((r) => `sigma:${r.id}`),
    tags: rule.tags ?? [],
    evaluate: (event) => {
      if (!detection.matches(event.raw)) return false;
      const fields: Record<string, unknown> = {};
      for (const [field, read] of readers) {
        const found = read(event.raw);
        if (!found.present) continue;
        fields[field] = shorten(found.values.length === 1 ? found.values[0] : found.values);
      }
      const sigma: Record<string, unknown> = {
        rule: rule.id ?? path,
        matched: detection.matchedIdentifiers(event.raw),
        fields,
      };
      if (rule.author) sigma.author = rule.author;
      if (falsePositives.length > 0) sigma.falsePositives = falsePositives;
      return { evidence: { sigma } };
    },
  };
  return { ok: true, rule: compiled };
}

/** Compiles many documents; a second rule with an id already seen is listed as invalid. */
export function compileSigmaRules(sources: readonly SigmaSource[]): {
  rules: Rule[];
  unrunnable: UnrunnableSigmaRule[];
  /** Rule id → the path it was compiled from. */
  pathById: Map<string, string>;
} {
  const rules: Rule[] = [];
  const unrunnable: UnrunnableSigmaRule[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const result = compileSigmaRule(source);
    if (!result.ok) {
      unrunnable.push(result.problem);
      continue;
    }
    const first = seen.get(result.rule.id);
    if (first !== undefined) {
      unrunnable.push({
        path: source.path,
        id: result.rule.id,
        title: result.rule.title,
        kind: 'invalid',
        reason: `duplicate rule id ${result.rule.id}: already loaded from ${first}`,
      });
      continue;
    }
    seen.set(result.rule.id, source.path);
    rules.push(result.rule);
  }
  return { rules, unrunnable, pathById: seen };
}

/** The id and title of a document, when it has them, for listing it even when it cannot run. */
function headOf(doc: unknown): { id?: string; title?: string } {
  if (typeof doc !== 'object' || doc === null) return {};
  const { id, title } = doc as Record<string, unknown>;
  const out: { id?: string; title?: string } = {};
  if (typeof id === 'string' && id.trim() !== '') out.id = `sigma:${id.trim()}`;
  if (typeof title === 'string') out.title = title;
  return out;
}

function shorten(value: unknown): unknown {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined || text.length <= MAX_FIELD_TEXT) return value;
  return `${text.slice(0, MAX_FIELD_TEXT)}…`;
}
