import type { ProfileStore } from '../../ports.ts';
import type { PrincipalProfile } from './profile.ts';

const DIRTY = Symbol('dirty');
type Flagged = PrincipalProfile & { [DIRTY]?: boolean };

/**
 * The profiles in memory: at most `capacity` of them (plus those the current file needs), least
 * recently used evicted first, changed ones written back to the store when evicted or persisted.
 * Without a store every profile stays in memory until evicted, then is forgotten.
 */
export class ProfileCache {
  /** Insertion order is recency order: a use moves the key to the end. */
  private readonly profiles = new Map<string, PrincipalProfile>();
  private readonly dirty = new Set<string>();
  /** Keys the store has been asked about (found or not), so a new profile never overwrites a stored one. */
  private readonly checked = new Set<string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.profiles.size;
  }

  /** The cached profile, marked recently used. */
  get(key: string): PrincipalProfile | undefined {
    const p = this.profiles.get(key);
    if (p) {
      this.profiles.delete(key);
      this.profiles.set(key, p);
    }
    return p;
  }

  /** The cached profile without marking it used: the per-event path (`load` marks a file's principals once). */
  peek(key: string): PrincipalProfile | undefined {
    return this.profiles.get(key);
  }

  /** Adds or replaces a profile and marks it changed. */
  put(profile: PrincipalProfile): void {
    this.profiles.delete(profile.key);
    this.profiles.set(profile.key, profile);
    (profile as Flagged)[DIRTY] = false;
    this.markDirty(profile);
  }

  markDirty(profile: PrincipalProfile): void {
    // A flag on the object (a symbol: JSON never sees it) spares a Set write on every call.
    const flagged = profile as Flagged;
    if (flagged[DIRTY]) return;
    flagged[DIRTY] = true;
    this.dirty.add(profile.key);
  }

  /** Every profile in memory (for status figures). */
  values(): IterableIterator<PrincipalProfile> {
    return this.profiles.values();
  }

  /**
   * Makes sure the profiles of `keys` are in memory: loads the ones the store has, then evicts
   * beyond capacity (never one of `keys`), writing changed evictees back first.
   */
  async load(keys: Iterable<string>, store: ProfileStore | undefined): Promise<void> {
    const wanted = keys instanceof Set ? (keys as Set<string>) : new Set(keys);
    const missing: string[] = [];
    for (const key of wanted) {
      // Marked recently used: one lookup, then moved to the end of the recency order.
      const cached = this.profiles.get(key);
      if (cached !== undefined) {
        this.profiles.delete(key);
        this.profiles.set(key, cached);
      } else if (!this.checked.has(key)) missing.push(key);
    }
    if (store && missing.length > 0) {
      for (const profile of await store.loadProfiles(missing)) {
        if (!this.profiles.has(profile.key)) this.profiles.set(profile.key, profile);
      }
    }
    if (store) for (const key of missing) this.checked.add(key);
    // Principals seen for the first time get a profile during `observe`: make room for them now.
    let incoming = 0;
    for (const key of wanted) if (!this.profiles.has(key)) incoming++;
    await this.evict(wanted, incoming, store);
  }

  private async evict(
    keep: ReadonlySet<string>,
    incoming: number,
    store: ProfileStore | undefined,
  ): Promise<void> {
    if (this.profiles.size + incoming <= this.capacity) return;
    const toSave: PrincipalProfile[] = [];
    let excess = this.profiles.size + incoming - this.capacity;
    for (const [key, profile] of this.profiles) {
      if (excess <= 0) break;
      if (keep.has(key)) continue;
      this.profiles.delete(key);
      if (this.dirty.delete(key)) toSave.push(profile);
      (profile as Flagged)[DIRTY] = false;
      // Once evicted, the store's copy is the truth: it must be asked again.
      this.checked.delete(key);
      excess--;
    }
    if (store && toSave.length > 0) await store.saveProfiles(toSave);
  }

  /**
   * Writes every changed profile. A profile created without asking the store (the caller skipped
   * `load`) is not written over a stored one: its history would be lost.
   */
  async persist(store: ProfileStore | undefined): Promise<number> {
    if (!store || this.dirty.size === 0) return 0;
    const unchecked = [...this.dirty].filter((k) => !this.checked.has(k));
    const clash = new Set(unchecked.length ? (await store.loadProfiles(unchecked)).map((p) => p.key) : []);
    const toSave: PrincipalProfile[] = [];
    for (const key of this.dirty) {
      const p = this.profiles.get(key);
      if (p) (p as Flagged)[DIRTY] = false;
      if (p && !clash.has(key)) toSave.push(p);
      this.checked.add(key);
    }
    this.dirty.clear();
    if (toSave.length) await store.saveProfiles(toSave);
    return toSave.length;
  }

  /** Forgets everything (for a rebuild). */
  clear(): void {
    this.profiles.clear();
    this.dirty.clear();
    this.checked.clear();
  }
}
