import { FsObjectSource } from '../adapters/local/fs-source.ts';
import type { ObjectSource } from '../core/ports.ts';

/**
 * The object source for an `analyze` argument: `s3://bucket/prefix` through the standard AWS
 * credential chain (AWS_ENDPOINT_URL_S3 points it at another endpoint), else a local path. The S3
 * client is loaded only for an S3 input.
 */
export async function sourceFor(input: string, maxBytes: number): Promise<ObjectSource> {
  if (input.startsWith('s3://')) {
    const [{ S3Client }, { S3ObjectSource }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../adapters/aws/s3-source.ts'),
    ]);
    const client = new S3Client({
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
    });
    return new S3ObjectSource(client, input, maxBytes);
  }
  return new FsObjectSource(input, maxBytes);
}
