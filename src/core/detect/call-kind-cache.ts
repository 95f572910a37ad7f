import type { ProcessedEvent } from '../event.ts';

/**
 * Remembers a value per kind of call (source, eventSource, eventName): which rules may apply is the
 * same for every call of a kind, and there are few kinds. Bounded: cleared when full.
 */
export class CallKindCache<T> {
  private readonly values = new Map<string, T>();

  constructor(
    private readonly compute: (event: ProcessedEvent) => T,
    private readonly maxKinds = 20_000,
  ) {}

  get(event: ProcessedEvent): T {
    const key = `${event.source}\u0000${event.service}\u0000${event.action}`;
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.compute(event);
      if (this.values.size >= this.maxKinds) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }
}
