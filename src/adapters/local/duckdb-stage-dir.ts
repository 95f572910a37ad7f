import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A directory of staged rows waiting for DuckDB's readers: event rows (TSV, one per line) and
 * findings (NDJSON). They go to disk as each file is processed, on whichever thread encoded them,
 * so a batch never sits in the JS heap. The store loads a batch's files in one statement per
 * table, then deletes them.
 */
export class StageDir {
  private dir: string | undefined;
  private next = 0;
  private writes: Promise<void>[] = [];

  /** The directory, made on first use. */
  get path(): string {
    this.dir ??= mkdtempSync(join(stageRoot(), 'logwarden-stage-'));
    return this.dir;
  }

  /**
   * Writes lines (one string, no trailing newline) to a new file of the given kind and returns
   * its path; the write finishes off the main thread, `written` waits for all of them.
   */
  write(kind: 'events' | 'findings', lines: string): string {
    const file = join(this.path, `${kind}-main-${this.next++}.${kind === 'events' ? 'tsv' : 'ndjson'}`);
    this.writes.push(writeFile(file, `${lines}\n`));
    return file;
  }

  /** Waits for every write begun so far (and fails if one failed). */
  async written(): Promise<void> {
    const writes = this.writes;
    this.writes = [];
    await Promise.all(writes);
  }

  /** Removes the directory and whatever is left in it. */
  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/**
 * Where staged rows go: a memory file system where there is one (Linux's /dev/shm), since they
 * are written once, read once and deleted (on ext4 the writes cost five times the CPU); else the
 * temp directory. A batch or two at a time is there, never the whole run.
 */
function stageRoot(): string {
  const shm = '/dev/shm';
  try {
    accessSync(shm, constants.W_OK);
    return shm;
  } catch {
    return tmpdir();
  }
}
