/**
 * Runs a synthesized processor bundle the way Lambda does: from a directory outside the repository
 * (so nothing resolves to the checkout's rules/ or node_modules/), with only the AWS SDK provided
 * beside it (the Node.js runtime ships it), in a child process against local emulators.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HandlerFunction } from '../../../infra/lib/constructs/handler-function.ts';
import { REPO_ROOT } from '../../../infra/lib/constructs/handler-function.ts';
import type { Synthesized } from './synth.ts';

/** The cloud-assembly directory holding a function's bundled code. */
export function assetDir(synth: Synthesized, fn: HandlerFunction): string {
  const code =
    synth.template.toJSON().Resources[synth.stack.getLogicalId(fn.fn.node.defaultChild as never)].Properties
      .Code;
  return join(synth.outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
}

/** Bytes of every file under a directory. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(path) : statSync(path).size;
  }
  return total;
}

/** Copies a tree with hard links where the file system allows (the databases are 170 MB). */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) linkTree(src, dst);
    else {
      try {
        linkSync(src, dst);
      } catch {
        cpSync(src, dst);
      }
    }
  }
}

/**
 * Invokes the bundle's `handler` with `event` in a fresh Node.js process; returns what it returned
 * and the JSON log lines it wrote. The copy is removed afterwards.
 */
export async function runBundledHandler(
  asset: string,
  event: unknown,
  env: Record<string, string>,
): Promise<{ result: unknown; logs: Record<string, unknown>[] }> {
  const root = mkdtempSync(join(tmpdir(), 'logwarden-lambda-'));
  try {
    const task = join(root, 'task');
    linkTree(asset, task);
    mkdirSync(join(task, 'node_modules'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules', '@aws-sdk'), join(task, 'node_modules', '@aws-sdk'), 'dir');
    const script = `const { handler } = await import(${JSON.stringify(join(task, 'index.mjs'))});
const result = await handler(JSON.parse(process.env.TEST_EVENT));
process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: task,
      env: { PATH: process.env.PATH ?? '', ...env, TEST_EVENT: JSON.stringify(event) },
      maxBuffer: 64 * 2 ** 20,
    });
    const lines = stdout.split('\n');
    const last = lines.find((l) => l.startsWith('RESULT '));
    if (!last) throw new Error(`the handler printed no result:\n${stdout.slice(-2000)}`);
    const logs = lines
      .filter((l) => l.startsWith('{') && l.includes('"message"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { result: JSON.parse(last.slice('RESULT '.length)), logs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
