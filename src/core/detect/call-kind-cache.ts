import type { ProcessedEvent } from '../event.ts';

/**
 * Remembers a value per kind of call (source, eventSource, eventName): which rules may apply is the
 * same for every call of a kind, and there are few kinds. Nested maps, so a lookup builds no key
 * string on the hot path. Bounded: cleared when full.
 */
export class CallKindCache<T> {
  private readonly values = new Map<string, Map<string, Map<string, T>>>();
  private size = 0;

  constructor(
    private readonly compute: (event: ProcessedEvent) => T,
    private readonly maxKinds = 20_000,
  ) {}

  get(event: ProcessedEvent): T {
    let bySource = this.values.get(event.source);
    if (!bySource) {
      bySource = new Map();
      this.values.set(event.source, bySource);
    }
    let byAction = bySource.get(event.service);
    if (!byAction) {
      byAction = new Map();
      bySource.set(event.service, byAction);
    }
    let value = byAction.get(event.action);
    if (value === undefined) {
      value = this.compute(event);
      if (this.size >= this.maxKinds) {
        this.values.clear();
        this.size = 0;
        return value;
      }
      byAction.set(event.action, value);
      this.size++;
    }
    return value;
  }
}
