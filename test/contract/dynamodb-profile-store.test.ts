import { dynaliteStores } from './dynalite-stores.ts';
import { profileStoreContract } from './profile-store.contract.ts';

profileStoreContract('DynamoDbEventStore (dynalite)', dynaliteStores('logwarden-profiles'));
