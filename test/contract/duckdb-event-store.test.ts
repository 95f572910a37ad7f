import { DuckDbEventStore } from '../../src/adapters/local/duckdb-store.ts';
import { eventStoreContract } from './event-store.contract.ts';

eventStoreContract('DuckDbEventStore', () => DuckDbEventStore.open(':memory:'));
