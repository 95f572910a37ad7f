import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { archiveEntries } from '../../../src/adapters/local/archive-source.ts';
import { tempDir } from '../../helpers/cli.ts';

/** One tar header block (ustar) with the given name field and type flag. */
function header(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0);
  h.write('0000644\0', 100);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}
const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 2;
  if (`${len}${body}`.length !== len) len++;
  return `${len}${body}`;
}

const RECORD = JSON.stringify({
  Records: [{ eventName: 'GetCallerIdentity', eventTime: '2023-07-10T12:00:00Z' }],
});
const LONG = `AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10/${'x'.repeat(90)}_CloudTrail_20230710T1200Z.json`;

describe('tar entries (read with Node’s gunzip only)', () => {
  it('takes long names from pax (x) and GNU (L) headers, and passes over directories and non-logs', async () => {
    const data = Buffer.from(RECORD);
    const pax = Buffer.from(paxRecord('path', LONG));
    const gnuName = Buffer.from(`${LONG.replace('.json', '-2.json')}\0`);
    const tar = Buffer.concat([
      header('AWSLogs/', 0, '5'),
      header('PaxHeader/x', pax.length, 'x'),
      pad(pax),
      header('truncated-name-ignored', data.length, '0'),
      pad(data),
      header('././@LongLink', gnuName.length, 'L'),
      pad(gnuName),
      header('also-ignored', data.length, '0'),
      pad(data),
      header('NOTES.md', 3, '0'),
      pad(Buffer.from('hi\n')),
      Buffer.alloc(1024),
    ]);
    const path = join(tempDir(), 'trail.tgz');
    writeFileSync(path, gzipSync(tar));
    const seen: [string, string][] = [];
    for await (const o of archiveEntries(path, 2 ** 20, (n) => /\.json$/.test(n)))
      seen.push([o.uri, (await o.read()).text]);
    assert.deepEqual(seen, [
      [`${path}!/${LONG}`, RECORD],
      [`${path}!/${LONG.replace('.json', '-2.json')}`, RECORD],
    ]);
  });

  it('a file that is not an archive at all is one error naming it', async () => {
    const path = join(tempDir(), 'not.zip');
    writeFileSync(path, 'hello');
    const objects = [];
    for await (const o of archiveEntries(path, 2 ** 20, () => true)) objects.push(o);
    assert.equal(objects.length, 1);
    assert.equal(objects[0].uri, path);
    await assert.rejects(objects[0].read(), /^Error: cannot read the archive \(/);
  });
});
