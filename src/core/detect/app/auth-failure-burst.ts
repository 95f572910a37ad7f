import type { ProcessedEvent } from '../../event.ts';
import type { Finding } from '../../finding.ts';
import type { Detector } from '../detector.ts';
import { APP_EVENT_SOURCES, appEvidence, appFinding, isAppEvent, isAuthFailure } from './app-event.ts';

export const AUTH_FAILURE_BURST_RULE = 'app.auth-failure-burst';
export const BRUTE_FORCE_SUCCESS_RULE = 'app.brute-force-success';

const REFIRE_MS = 60 * 60_000;
const MAX_KEYS = 50_000;

interface Track {
  /** Times of the latest failures (at most `threshold`), oldest first. */
  times: number[];
  ids: string[];
  lastFired?: number;
}

/**
 * Failed logins of one user, or from one address, reaching `threshold` within `windowMinutes`
 * (a sliding window by event time): password guessing such as sshd brute force. A later
 * successful login from an address that was bursting is CRITICAL: the guessing may have worked.
 */
export class AuthFailureBurstDetector implements Detector {
  readonly id = AUTH_FAILURE_BURST_RULE;
  readonly sees = APP_EVENT_SOURCES;
  private tracks = new Map<string, Track>();
  private readonly windowMs: number;

  constructor(private readonly options: { threshold: number; windowMinutes: number }) {
    this.windowMs = options.windowMinutes * 60_000;
  }

  observe(e: ProcessedEvent): Finding[] {
    if (!isAppEvent(e)) return [];
    if (e.action === 'auth.success') return this.success(e);
    if (!isAuthFailure(e)) return [];
    const findings: Finding[] = [];
    if (e.sourceIp) findings.push(...this.count(`ip:${e.sourceIp}`, e));
    if (e.principal.type !== 'Unknown')
      findings.push(...this.count(`user:${e.service}:${e.principal.name}`, e));
    return findings;
  }

  private count(key: string, e: ProcessedEvent): Finding[] {
    let t = this.tracks.get(key);
    if (!t) {
      if (this.tracks.size >= MAX_KEYS) this.evict();
      t = { times: [], ids: [] };
      this.tracks.set(key, t);
    }
    t.times.push(e.time);
    t.ids.push(e.id);
    if (t.times.length > this.options.threshold) {
      t.times.shift();
      t.ids.shift();
    }
    if (t.times.length < this.options.threshold) return [];
    const span = t.times[t.times.length - 1] - t.times[0];
    if (span > this.windowMs) return [];
    if (t.lastFired !== undefined && e.time - t.lastFired < REFIRE_MS) return [];
    t.lastFired = e.time;
    const [kind, ...rest] = key.split(':');
    const who =
      kind === 'ip' ? `from ${rest.join(':')}` : `for user ${rest.slice(1).join(':')} on ${rest[0]}`;
    return [
      appFinding({
        ruleId: AUTH_FAILURE_BURST_RULE,
        key: [key, t.times[0]],
        title: `${this.options.threshold} failed logins ${who} in ${Math.max(1, Math.round(span / 60_000))} min`,
        severity: 'HIGH',
        mitre: [{ tactic: 'TA0006', technique: 'T1110' }],
        event: e,
        eventIds: [...t.ids],
        sourceIp: e.sourceIp || undefined,
        user: kind === 'user' ? e.principal.name : undefined,
        explanation: `${this.options.threshold} authentication failures ${who} between ${new Date(t.times[0]).toISOString()} and ${new Date(e.time).toISOString()} (${e.service}); password guessing or credential stuffing.`,
        evidence: {
          key,
          failures: this.options.threshold,
          first: new Date(t.times[0]).toISOString(),
          last: appEvidence(e),
        },
      }),
    ];
  }

  private success(e: ProcessedEvent): Finding[] {
    if (!e.sourceIp) return [];
    const t = this.tracks.get(`ip:${e.sourceIp}`);
    if (t?.lastFired === undefined || e.time - t.lastFired > REFIRE_MS || e.time < t.lastFired) return [];
    return [
      appFinding({
        ruleId: BRUTE_FORCE_SUCCESS_RULE,
        key: [e.sourceIp, e.id],
        title: `Login by ${e.principal.name} from ${e.sourceIp} after a burst of failures`,
        severity: 'CRITICAL',
        mitre: [
          { tactic: 'TA0006', technique: 'T1110' },
          { tactic: 'TA0001', technique: 'T1078' },
        ],
        event: e,
        eventIds: [e.id, ...t.ids.slice(-3)],
        sourceIp: e.sourceIp,
        user: e.principal.name,
        explanation: `${e.sourceIp} logged in as ${e.principal.name} on ${e.service} at ${new Date(e.time).toISOString()}, within an hour of a burst of failed logins from the same address: the guessing may have succeeded.`,
        evidence: appEvidence(e),
      }),
    ];
  }

  private evict(): void {
    const byAge = [...this.tracks.entries()].sort(
      (a, b) => (a[1].times.at(-1) ?? 0) - (b[1].times.at(-1) ?? 0),
    );
    for (const [k] of byAge.slice(0, MAX_KEYS / 10)) this.tracks.delete(k);
  }

  exportState(): unknown {
    return [...this.tracks.entries()].map(([k, t]) => [k, t.times, t.ids, t.lastFired ?? null]);
  }

  importState(state: unknown): void {
    if (!Array.isArray(state)) return;
    this.tracks = new Map();
    for (const [k, times, ids, lastFired] of state as [string, number[], string[], number | null][]) {
      const t: Track = { times, ids };
      if (lastFired !== null) t.lastFired = lastFired;
      this.tracks.set(k, t);
    }
  }
}
