import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../../core/config.ts';
import type { Rule } from '../../core/detect/rule.ts';
import {
  compileSigmaRules,
  type SigmaSource,
  type UnrunnableSigmaRule,
} from '../../core/detect/sigma/compile-rule.ts';
import type { SigmaConfig } from '../../core/detect/sigma/sigma-config.ts';
import { packageRoot } from '../package-root.ts';

/** Sigma rules ready to run, and the ones that cannot run with the reason. */
export interface SigmaRuleSet {
  rules: Rule[];
  unrunnable: UnrunnableSigmaRule[];
  /** Rule id → the file it came from (shown relative to its configured directory). */
  pathById: Map<string, string>;
  /** Files read. */
  files: number;
}

/**
 * A Sigma directory or file that cannot be read, or YAML that does not parse; names every bad file.
 * A configuration problem, so the CLI reports it like one.
 */
export class SigmaLoadError extends ConfigError {
  constructor(readonly problems: readonly { path: string; reason: string }[]) {
    super(`cannot load Sigma rules:\n  - ${problems.map((p) => `${p.path}: ${p.reason}`).join('\n  - ')}`);
    this.name = 'SigmaLoadError';
  }
}

/**
 * Where the vendored SigmaHQ rules live: `rules/sigma/rules` under the package root (a checkout,
 * the compiled build or an installed package alike), or next to the bundled entry file when a
 * bundle (the Lambda asset) copied `rules/sigma` beside it. Returns the first candidate when none
 * exists, so the error names it.
 */
export function vendoredSigmaDir(moduleUrl: string = import.meta.url): string {
  const root = packageRoot(moduleUrl);
  const candidates = [
    ...(root ? [join(root, 'rules/sigma/rules')] : []),
    resolve(dirname(fileURLToPath(moduleUrl)), 'rules/sigma/rules'),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

/** The vendored SigmaHQ CloudTrail rules, compiled, from `dir` (default: the package's copy). */
export function loadVendoredSigmaRules(dir: string = vendoredSigmaDir()): SigmaRuleSet {
  return compileSet(readSigmaSources([{ path: dir, label: 'rules/sigma/rules' }]));
}

/**
 * The Sigma rules the configuration asks for: the vendored ones (unless `vendored: false`) and every
 * `.yml`/`.yaml` file under `paths`. Unreadable paths and YAML that does not parse raise a
 * {@link SigmaLoadError}; valid YAML the evaluator cannot run is returned in `unrunnable`.
 */
export function loadSigmaRules(config: SigmaConfig, options: { vendoredDir?: string } = {}): SigmaRuleSet {
  const roots: { path: string; label: string }[] = [];
  if (config.vendored)
    roots.push({ path: options.vendoredDir ?? vendoredSigmaDir(), label: 'rules/sigma/rules' });
  for (const p of config.paths) roots.push({ path: resolve(p), label: p });
  return compileSet(readSigmaSources(roots));
}

function compileSet(read: { sources: SigmaSource[]; files: number }): SigmaRuleSet {
  const { rules, unrunnable, pathById } = compileSigmaRules(read.sources);
  return { rules, unrunnable, pathById, files: read.files };
}

/**
 * Reads every Sigma YAML file under the roots (sorted, so ids and order are stable). A file with
 * several YAML documents yields one source per document (`file#2` …).
 */
export function readSigmaSources(roots: readonly { path: string; label: string }[]): {
  sources: SigmaSource[];
  files: number;
} {
  const problems: { path: string; reason: string }[] = [];
  const sources: SigmaSource[] = [];
  let files = 0;
  for (const root of roots) {
    let found: string[];
    try {
      found = yamlFiles(root.path);
    } catch (err) {
      problems.push({ path: root.label, reason: readReason(err) });
      continue;
    }
    if (found.length === 0) {
      problems.push({ path: root.label, reason: 'holds no .yml or .yaml file' });
      continue;
    }
    for (const file of found) {
      const shown = statSync(root.path).isDirectory()
        ? join(root.label, relative(root.path, file))
        : root.label;
      files++;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        problems.push({ path: shown, reason: readReason(err) });
        continue;
      }
      const docs = parseAllDocuments(text, { prettyErrors: true });
      const list = Array.isArray(docs) ? docs : [docs];
      const broken = list.flatMap((d) => d.errors);
      if (broken.length > 0) {
        problems.push({ path: shown, reason: `invalid YAML: ${broken[0].message.split('\n')[0]}` });
        continue;
      }
      const values = list.map((d) => d.toJS()).filter((v) => v !== null && v !== undefined);
      if (values.length === 0) {
        problems.push({ path: shown, reason: 'empty YAML file' });
        continue;
      }
      values.forEach((doc, i) => {
        sources.push({ path: values.length > 1 ? `${shown}#${i + 1}` : shown, doc });
      });
    }
  }
  if (problems.length > 0) throw new SigmaLoadError(problems);
  return { sources, files };
}

/** `.yml`/`.yaml` files under a directory (recursively, sorted), or the path itself when it is a file. */
function yamlFiles(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(full);
    }
  };
  walk(path);
  return out;
}

function readReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES') return 'permission denied';
  return (err as Error).message;
}
