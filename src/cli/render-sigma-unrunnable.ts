import pc from 'picocolors';
import type { UnrunnableSigmaRule } from '../core/detect/sigma/compile-rule.ts';

const KIND_LABEL: Record<UnrunnableSigmaRule['kind'], string> = {
  unsupported: 'unsupported',
  invalid: 'invalid',
  'other-logsource': 'not CloudTrail',
};

/**
 * The Sigma rules that cannot run, one block each: kind, id and title, then the file and the reason.
 * Empty text when every rule runs.
 */
export function renderUnrunnableSigma(list: readonly UnrunnableSigmaRule[]): string {
  if (list.length === 0) return '';
  const lines = [pc.yellow(`${list.length} Sigma rule${list.length === 1 ? '' : 's'} cannot run:`)];
  for (const u of list) {
    lines.push(
      `  ${KIND_LABEL[u.kind].padEnd(15)} ${pc.bold(u.id ?? '(no id)')}${u.title ? ` ${u.title}` : ''}`,
    );
    lines.push(`  ${' '.repeat(15)} ${pc.dim(u.path)}: ${u.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
