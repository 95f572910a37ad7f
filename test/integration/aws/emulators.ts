/**
 * Local AWS emulators for tests, each started in-process on 127.0.0.1 with an OS-assigned port and
 * stopped by the test that started it. Credentials are dummies the emulators accept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import kinesalite from 'kinesalite';
import S3rver from 's3rver';

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
/** s3rver accepts only its own key pair. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

/** DynamoDB (dynalite, in memory, tables ready at once). */
export async function startDynalite(): Promise<Emulator> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  const endpoint = await listen(server);
  return { endpoint, stop: () => close(server) };
}

/** Kinesis (kinesalite, in memory, streams ready at once). */
export async function startKinesalite(): Promise<Emulator> {
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 50,
  }) as Server;
  const endpoint = await listen(server);
  return { endpoint, stop: () => close(server) };
}

/** S3 (s3rver, files in a temporary directory removed on stop). */
export async function startS3rver(buckets: readonly string[]): Promise<Emulator> {
  const directory = mkdtempSync(join(tmpdir(), 'logwarden-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** SNS + SQS (fauxqs's Fastify app). */
export async function startFauxqs(): Promise<Emulator> {
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: REGION });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { endpoint: address.replace('localhost', '127.0.0.1'), stop: () => app.close() };
}

/** A DynamoDB client for an emulator endpoint. */
export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ region: REGION, endpoint, credentials: CREDENTIALS });
}

/** An S3 client for s3rver. */
export function s3Client(endpoint: string): S3Client {
  return new S3Client({ region: REGION, endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
}

/** Creates the logwarden table (the layout the CDK stack deploys: `pk`/`sk` strings, on demand). */
export async function createEventTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
