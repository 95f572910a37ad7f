import { after, before } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '../../src/adapters/aws/dynamodb-store.ts';
import {
  createEventTable,
  dynamoClient,
  type Emulator,
  startDynalite,
} from '../integration/aws/emulators.ts';

/**
 * Starts dynalite on 127.0.0.1 for the calling test file (stopped after it) and returns a factory
 * of DynamoDbEventStores, each on a fresh table named `<prefix>-<n>`.
 */
export function dynaliteStores(prefix: string): () => Promise<DynamoDbEventStore> {
  let dynalite: Emulator;
  let client: DynamoDBClient;
  let tables = 0;
  before(async () => {
    dynalite = await startDynalite();
    client = dynamoClient(dynalite.endpoint);
  });
  after(async () => {
    client.destroy();
    await dynalite.stop();
  });
  return async () => {
    const tableName = `${prefix}-${++tables}`;
    await createEventTable(client, tableName);
    return new DynamoDbEventStore(client, { tableName, retentionDays: 30 });
  };
}
