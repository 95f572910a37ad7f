import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './fixtures.ts';

/**
 * How tests start the CLI: its TypeScript sources through tsx, so a test always runs the code it
 * sits beside (never a stale dist/). The compiled build is tested as a user gets it by
 * test/e2e/package.test.ts (npm pack, then an install of the tarball).
 */
export const CLI_ARGS: readonly string[] = [
  '--import',
  import.meta.resolve('tsx'),
  join(ROOT, 'src/cli/main.ts'),
];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would (a spawned process with piped output), from its sources. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'logwarden-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
