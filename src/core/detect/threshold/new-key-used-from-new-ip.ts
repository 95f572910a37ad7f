import type { ProcessedEvent } from '../../event.ts';
import type { Finding } from '../../finding.ts';
import { stableId } from '../../hash.ts';
import { classifyAddress } from '../../net.ts';
import type { Detector } from '../detector.ts';
import { compactEvidence, findingHead } from '../engine.ts';
import { eventEvidence } from '../high-risk-event.ts';
import { mitre, TACTIC } from '../rules/helpers.ts';
import { HOUR } from './threshold-rule.ts';

/** A key created and not yet seen in use. */
interface PendingKey {
  keyId: string;
  userName: string;
  createdAt: number;
  creatorIp: string;
  creator: string;
  eventId: string;
}

/** The rule data `rules list` shows for this sequence detector. */
export const NEW_KEY_USED_FROM_NEW_IP = {
  id: 'sequence.access-key-created-then-used-from-new-ip',
  title: 'New access key used from a different address soon after it was created',
  description:
    'An IAM access key was created and, within the window, used from an IP address other than the one that created it. Attackers who create a key for persistence usually use it from their own infrastructure straight away.',
  severity: 'HIGH' as const,
  mitre: [mitre(TACTIC.persistence, 'T1098.001'), mitre(TACTIC.initialAccess, 'T1078.004')],
  equivalents: [] as string[],
};

const STATE_VERSION = 1;

/**
 * Sequence: CreateAccessKey (success) → any call signed with that key from a different IP within
 * `windowMs`. State is the set of recently created keys, bounded and exported between runs.
 */
export class NewKeyUsedFromNewIpDetector implements Detector {
  readonly id = NEW_KEY_USED_FROM_NEW_IP.id;
  private pending = new Map<string, PendingKey>();

  constructor(
    private readonly windowMs = HOUR,
    private readonly maxKeys = 10_000,
  ) {}

  observe(event: ProcessedEvent): Finding[] {
    if (event.action === 'CreateAccessKey' && event.service === 'iam.amazonaws.com' && !event.errorCode) {
      const response = (event.raw.responseElements ?? {}) as {
        accessKey?: { accessKeyId?: string; userName?: string };
      };
      const keyId = response.accessKey?.accessKeyId;
      if (keyId) {
        this.pending.set(keyId, {
          keyId,
          userName: response.accessKey?.userName ?? '',
          createdAt: event.time,
          creatorIp: event.sourceIp,
          creator: event.principal.name,
          eventId: event.id,
        });
        if (this.pending.size > this.maxKeys) this.pending.delete(this.pending.keys().next().value as string);
      }
      return [];
    }
    const keyId = event.principal.accessKeyId;
    if (!keyId || this.pending.size === 0) return [];
    const created = this.pending.get(keyId);
    if (!created) return [];
    if (event.time - created.createdAt > this.windowMs || event.time < created.createdAt) {
      if (event.time > created.createdAt) this.pending.delete(keyId);
      return [];
    }
    const kind = classifyAddress(event.sourceIp);
    if ((kind !== 'public' && kind !== 'private') || event.sourceIp === created.creatorIp) return [];
    this.pending.delete(keyId);
    const minutes = Math.round((event.time - created.createdAt) / 60_000);
    const rule = NEW_KEY_USED_FROM_NEW_IP;
    return [
      {
        id: stableId(rule.id, keyId),
        ...findingHead(rule, rule.severity, event),
        eventIds: [created.eventId, event.id],
        explanation: `Access key ${keyId} for ${created.userName || event.principal.name} was created by ${created.creator} from ${created.creatorIp || 'an unknown address'} and used ${minutes} min later from ${event.sourceIp} (${event.service.split('.')[0]}:${event.action}).`,
        evidence: compactEvidence({
          accessKeyId: keyId,
          createdAt: new Date(created.createdAt).toISOString(),
          createdFrom: created.creatorIp,
          createdBy: created.creator,
          usedFrom: event.sourceIp,
          use: eventEvidence(event),
        }),
      },
    ];
  }

  exportState(): unknown {
    return { version: STATE_VERSION, keys: [...this.pending.values()] };
  }

  importState(state: unknown): void {
    const s = state as { version?: number; keys?: PendingKey[] };
    if (!s || s.version !== STATE_VERSION || !Array.isArray(s.keys)) return;
    this.pending = new Map(
      s.keys
        .slice(-this.maxKeys)
        .filter((k) => typeof k?.keyId === 'string')
        .map((k) => [k.keyId, k]),
    );
  }
}
