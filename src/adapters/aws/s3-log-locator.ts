import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LogLocator } from '../integrity-reader.ts';

/** Reads listed log files from the bucket and key the digest names. */
export function s3LogLocator(client: S3Client): LogLocator {
  return async (ref) => {
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: ref.s3Bucket, Key: ref.s3Object }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
      throw err;
    }
  };
}
