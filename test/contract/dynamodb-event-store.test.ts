import { dynaliteStores } from './dynalite-stores.ts';
import { eventStoreContract } from './event-store.contract.ts';

eventStoreContract('DynamoDbEventStore (dynalite)', dynaliteStores('logwarden-contract'));
