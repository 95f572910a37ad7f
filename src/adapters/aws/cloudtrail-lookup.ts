import {
  type CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandOutput,
} from '@aws-sdk/client-cloudtrail';

/** CloudTrail allows 2 LookupEvents requests per second per account and region. */
const MIN_INTERVAL_MS = 500;

/** One page of Event history, as the text the lookup-events reader reads. */
export interface LookupPage {
  /** `{"Events":[…]}` as the API returned them (EventTime as ISO text), oldest first. */
  text: string;
  events: number;
  /** Token of the page after this one; absent on the last page. */
  nextToken?: string;
}

/**
 * Event history of one region, page by page, never faster than CloudTrail's 2 requests per
 * second (the SDK client retries throttling with backoff on top of that).
 */
export class CloudTrailLookup {
  private last = 0;

  constructor(
    private readonly client: CloudTrailClient,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Pages of events between `start` and `end` (epoch ms, inclusive), from `nextToken` when given. */
  async *pages(start: number, end: number, nextToken?: string): AsyncIterable<LookupPage> {
    let token = nextToken;
    do {
      const wait = this.last + MIN_INTERVAL_MS - Date.now();
      if (wait > 0) await this.sleep(wait);
      this.last = Date.now();
      let out: LookupEventsCommandOutput;
      try {
        out = await this.client.send(
          new LookupEventsCommand({
            StartTime: new Date(start),
            EndTime: new Date(end),
            MaxResults: 50,
            ...(token && { NextToken: token }),
          }),
        );
      } finally {
        // The client's own retries (throttling) count too: the next request waits from the last attempt.
        this.last = Date.now();
      }
      const events = out.Events ?? [];
      token = out.NextToken || undefined;
      // Oldest first, as detectors that follow a sequence (a key created, then used) expect.
      yield {
        text: JSON.stringify({ Events: [...events].reverse() }),
        events: events.length,
        nextToken: token,
      };
    } while (token);
  }
}
