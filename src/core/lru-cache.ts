/**
 * A bounded cache that forgets the least recently used entries first, approximately: entries live
 * in a young and an old generation of at most `capacity / 2` each; a hit in the old generation
 * moves the entry to the young one, and when the young one is full the old one is dropped whole.
 * A hit in the young generation costs one Map lookup, which matters on a per-event path where
 * strict LRU (delete and re-insert on every hit) was measurably slower.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new Error(`cache capacity must be an integer ≥ 0, got ${capacity}`);
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** The value, kept as recently used; undefined when absent. */
  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const value = this.old.get(key);
    if (value !== undefined) {
      this.old.delete(key);
      this.put(key, value);
    }
    return value;
  }

  has(key: K): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  /** Stores a value (a capacity of 0 stores nothing). */
  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.old.delete(key);
    this.put(key, value);
  }

  delete(key: K): boolean {
    return this.young.delete(key) || this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  private put(key: K, value: V): void {
    if (!this.young.has(key) && this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
