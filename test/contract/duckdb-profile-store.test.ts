import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DuckDbEventStore } from '../../src/adapters/local/duckdb-store.ts';
import { profileStoreContract } from './profile-store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'logwarden-profiles-'));
after(() => rmSync(dir, { recursive: true, force: true }));

profileStoreContract('DuckDbEventStore (in memory)', () => DuckDbEventStore.open(':memory:'));
profileStoreContract('DuckDbEventStore (file)', () => DuckDbEventStore.open(join(dir, 'p.duckdb')));
