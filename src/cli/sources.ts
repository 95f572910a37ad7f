import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectSource } from '../adapters/aws/s3-source.ts';
import { FsObjectSource } from '../adapters/local/fs-source.ts';
import type { ObjectSource } from '../core/ports.ts';

/**
 * The object source for an `analyze` argument: `s3://bucket/prefix` through the standard AWS
 * credential chain (AWS_ENDPOINT_URL_S3 points it at another endpoint), else a local path.
 */
export function sourceFor(input: string, maxBytes: number): ObjectSource {
  if (input.startsWith('s3://')) {
    const client = new S3Client({
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
    });
    return new S3ObjectSource(client, input, maxBytes);
  }
  return new FsObjectSource(input, maxBytes);
}
