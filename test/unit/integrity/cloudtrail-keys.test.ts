import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDigestKey, parseLogKey, relativeKey } from '../../../src/core/integrity/cloudtrail-keys.ts';
import { digestSigningString, parseDigestFile } from '../../../src/core/integrity/digest-file.ts';

// The digest key of AWS's own example ("CloudTrail digest file structure").
const DOC_DIGEST =
  'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz';

describe('CloudTrail digest and log keys', () => {
  it('reads account, region, trail, home region and end time from a documented digest key', () => {
    assert.deepEqual(parseDigestKey(`my-prefix/${DOC_DIGEST}`), {
      relKey: DOC_DIGEST,
      account: '111122223333',
      region: 'us-east-2',
      trail: 'your-trail-name',
      homeRegion: 'us-east-2',
      endTime: Date.UTC(2015, 7, 17, 15, 1, 31),
      backfill: false,
    });
  });

  it('keeps underscores in trail names, organization ids, and marks backfill digests', () => {
    const key =
      '/data/AWSLogs/o-abc123def4/111122223333/CloudTrail-Digest/eu-west-1/2024/01/02/111122223333_CloudTrail-Digest_eu-west-1_org_trail_us-east-1_20240102T030405Z_backfill.json.gz';
    const k = parseDigestKey(key);
    assert.equal(k?.trail, 'org_trail');
    assert.equal(k?.organization, 'o-abc123def4');
    assert.equal(k?.homeRegion, 'us-east-1');
    assert.equal(k?.backfill, true);
  });

  it('reads delivery time from a log file key, and refuses other names', () => {
    const log = parseLogKey(
      's3://b/AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/02/111122223333_CloudTrail_us-east-1_20240102T0305Z_AbCd1234.json.gz',
    );
    assert.equal(log?.deliveredAt, Date.UTC(2024, 0, 2, 3, 5));
    assert.equal(log?.region, 'us-east-1');
    assert.equal(
      parseLogKey('AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/02/events.json.gz'),
      undefined,
    );
    assert.equal(parseDigestKey('AWSLogs/111122223333/CloudTrail-Digest/us-east-1/x.json.gz'), undefined);
    assert.equal(relativeKey('notAWSLogs/x'), undefined);
  });
});

describe('digest format and signing string', () => {
  const doc = {
    awsAccountId: '111122223333',
    digestStartTime: '2015-08-17T14:01:31Z',
    digestEndTime: '2015-08-17T15:01:31Z',
    digestS3Bucket: 'amzn-s3-demo-bucket',
    digestS3Object: DOC_DIGEST,
    digestPublicKeyFingerprint: '31e8b5433410dfb61a9dc45cc65b22ff',
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: '2015-08-17T14:52:27Z',
    oldestEventTime: '2015-08-17T14:42:27Z',
    previousDigestS3Bucket: null,
    previousDigestS3Object: null,
    previousDigestHashValue: null,
    previousDigestHashAlgorithm: null,
    previousDigestSignature: null,
    logFiles: [],
  };

  it('is the end time, bucket/key, content hash and previous signature (null for the first)', () => {
    const parsed = parseDigestFile(JSON.stringify(doc));
    assert.ok(parsed.ok);
    assert.equal(
      digestSigningString(parsed.digest, 'ab'.repeat(32)),
      `2015-08-17T15:01:31Z\namzn-s3-demo-bucket/${DOC_DIGEST}\n${'ab'.repeat(32)}\nnull`,
    );
    assert.equal(
      digestSigningString({ ...parsed.digest, previousDigestSignature: 'cafe' }, 'ab'.repeat(32)).split(
        '\n',
      )[3],
      'cafe',
    );
  });

  it('names what is wrong with a document that is not a digest', () => {
    const { logFiles: _, ...noLogs } = doc;
    const r = parseDigestFile(JSON.stringify(noLogs));
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /logFiles/);
    assert.match((parseDigestFile('{') as { reason: string }).reason, /not JSON/);
  });
});
