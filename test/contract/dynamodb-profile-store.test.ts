import { after, before } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '../../src/adapters/aws/dynamodb-store.ts';
import {
  createEventTable,
  dynamoClient,
  type Emulator,
  startDynalite,
} from '../integration/aws/emulators.ts';
import { profileStoreContract } from './profile-store.contract.ts';

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

profileStoreContract('DynamoDbEventStore (dynalite)', async () => {
  const tableName = `logwarden-profiles-${++tables}`;
  await createEventTable(client, tableName);
  return new DynamoDbEventStore(client, { tableName, retentionDays: 30 });
});
