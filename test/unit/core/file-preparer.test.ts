import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FsObjectSource } from '../../../src/adapters/local/fs-source.ts';
import { InThreadPreparer, type PreparedObject } from '../../../src/core/file-preparer.ts';
import { tempDir } from '../../helpers/cli.ts';
import { EXAMPLES, jsonFiles } from '../../helpers/fixtures.ts';

async function prepare(dir: string, known: Set<string>): Promise<Map<string, PreparedObject>> {
  const preparer = new InThreadPreparer(async (sha) => known.has(sha), {});
  const out = new Map<string, PreparedObject>();
  for await (const p of preparer.prepare(new FsObjectSource(dir, 2 ** 20).list()))
    out.set(p.uri.slice(dir.length + 1), p);
  return out;
}

describe('InThreadPreparer', () => {
  const dir = tempDir();
  const gz = gzipSync(readFileSync(jsonFiles(EXAMPLES)[0]));
  writeFileSync(join(dir, 'new.json.gz'), gz);
  // Stored before (by its hash), and corrupt: decompressing it would fail.
  const truncated = gz.subarray(0, gz.length >> 1);
  writeFileSync(join(dir, 'stored.json.gz'), truncated);
  const storedSha = createHash('sha256').update(truncated).digest('hex');

  it('parses new content and passes over stored content without decompressing it', async () => {
    const prepared = await prepare(dir, new Set([storedSha]));
    assert.equal(prepared.get('new.json.gz')?.kind, 'parsed');
    assert.deepEqual(prepared.get('stored.json.gz'), {
      uri: join(dir, 'stored.json.gz'),
      size: truncated.length,
      kind: 'known',
      sha256: storedSha,
    });
  });

  it('reports the same corrupt file as unreadable when it is new', async () => {
    const prepared = await prepare(dir, new Set());
    const stored = prepared.get('stored.json.gz');
    assert.equal(stored?.kind, 'unreadable');
    assert.match(stored.kind === 'unreadable' ? stored.reason : '', /corrupt or truncated gzip/);
  });
});
