import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with the n-th LookupEvents request (1-based, over all regions). */
export type Fault = 'throttle' | 'expired-token' | 'hang';

export interface LookupRequest {
  region: string;
  /** The access key id the request was signed with. */
  accessKeyId: string;
  at: number;
  nextToken?: string;
  answered: 'page' | Fault;
}

/**
 * A local CloudTrail (LookupEvents, awsJson1_1 `CloudTrail_20131101.LookupEvents`) and Account
 * (ListRegions, restJson1) endpoint on 127.0.0.1 for the real AWS SDK clients. Events are served
 * newest first, `pageSize` at a time, filtered by the request's time range; the region is read
 * from the request's SigV4 credential scope.
 */
export class CloudTrailTestServer {
  readonly requests: LookupRequest[] = [];
  private server?: Server;
  private readonly hung: ServerResponse[] = [];
  private hangListeners: (() => void)[] = [];

  constructor(
    private readonly eventsByRegion: Record<string, Record<string, unknown>[]>,
    readonly options: {
      pageSize?: number;
      faults?: Map<number, Fault>;
      regionStatus?: Record<string, string>;
    } = {},
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => this.handle(req, body, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Resolves when a request is being held by a `hang` fault. */
  whenHung(): Promise<void> {
    if (this.hung.length) return Promise.resolve();
    return new Promise((resolve) => this.hangListeners.push(resolve));
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unknown';
    if (req.url?.startsWith('/listRegions')) {
      this.listRegions(body, res);
      return;
    }
    if (req.headers['x-amz-target'] !== 'CloudTrail_20131101.LookupEvents') {
      json(res, 400, {
        __type: 'UnknownOperationException',
        message: `no ${req.headers['x-amz-target']}`,
      });
      return;
    }
    const input = JSON.parse(body) as {
      StartTime?: number;
      EndTime?: number;
      MaxResults?: number;
      NextToken?: string;
    };
    const accessKeyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const n = this.requests.length + 1;
    const fault = this.options.faults?.get(n);
    this.requests.push({
      region,
      accessKeyId,
      at: Date.now(),
      nextToken: input.NextToken,
      answered: fault ?? 'page',
    });
    if (fault === 'throttle') {
      json(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      return;
    }
    if (fault === 'expired-token') {
      json(res, 400, {
        __type: 'ExpiredTokenException',
        message: 'The security token included in the request is expired',
      });
      return;
    }
    if (fault === 'hang') {
      this.hung.push(res);
      for (const l of this.hangListeners) l();
      this.hangListeners = [];
      return;
    }
    const start = (input.StartTime ?? 0) * 1000;
    const end = (input.EndTime ?? Date.now() / 1000) * 1000;
    const events = (this.eventsByRegion[region] ?? [])
      .filter((r) => {
        const t = Date.parse(String(r.eventTime));
        return t >= start && t <= end;
      })
      .sort((a, b) => Date.parse(String(b.eventTime)) - Date.parse(String(a.eventTime)));
    const offset = input.NextToken
      ? Number(Buffer.from(input.NextToken, 'base64').toString().split(':')[1])
      : 0;
    const size = Math.min(input.MaxResults ?? 50, this.options.pageSize ?? 50);
    const page = events.slice(offset, offset + size);
    const next =
      offset + size < events.length
        ? Buffer.from(`${region}:${offset + size}`).toString('base64')
        : undefined;
    json(res, 200, { Events: page.map(lookupEntry), ...(next && { NextToken: next }) });
  }

  private listRegions(body: string, res: ServerResponse): void {
    const wanted = new Set((JSON.parse(body || '{}').RegionOptStatusContains as string[] | undefined) ?? []);
    const status = this.options.regionStatus ?? {};
    const regions = Object.entries(status)
      .filter(([, s]) => wanted.size === 0 || wanted.has(s))
      .map(([RegionName, RegionOptStatus]) => ({ RegionName, RegionOptStatus }));
    json(res, 200, { Regions: regions });
  }
}

/** An Event history entry as LookupEvents returns it (times in epoch seconds on the wire). */
function lookupEntry(r: Record<string, unknown>) {
  const u = (r.userIdentity ?? {}) as Record<string, string>;
  return {
    EventId: r.eventID,
    EventName: r.eventName,
    ReadOnly: String(r.readOnly ?? false),
    ...(u.accessKeyId && { AccessKeyId: u.accessKeyId }),
    EventTime: Date.parse(String(r.eventTime)) / 1000,
    EventSource: r.eventSource,
    ...(u.userName && { Username: u.userName }),
    Resources: [],
    CloudTrailEvent: JSON.stringify(r),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const type = (body as { __type?: string }).__type;
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': 'test',
    ...(type && { 'x-amzn-errortype': type }),
  });
  res.end(text);
}
