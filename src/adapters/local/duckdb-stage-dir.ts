import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A directory of staged event rows (TSV files, one row per line) waiting for DuckDB's CSV reader:
 * rows go to disk as each file is processed, on whichever thread encoded them, so a batch never
 * sits in the JS heap. The store loads a batch's files in one statement, then deletes them.
 */
export class StageDir {
  private dir: string | undefined;
  private next = 0;

  /** The directory, made on first use. */
  get path(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'logwarden-stage-'));
    return this.dir;
  }

  /** Writes rows (one per line, no trailing newline) to a new file and returns its path. */
  write(rows: string): string {
    const file = join(this.path, `main-${this.next++}.tsv`);
    writeFileSync(file, `${rows}\n`);
    return file;
  }

  /** Removes the directory and whatever is left in it. */
  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
