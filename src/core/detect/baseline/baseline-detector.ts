import type { AnomalyFlag, NormalizedEvent, ProcessedEvent } from '../../event.ts';
import { type Finding, type MitreRef, SEVERITY_RISK, type Severity } from '../../finding.ts';
import { stableId } from '../../hash.ts';
import type { EventStore, ProfileStore } from '../../ports.ts';
import type { Detector } from '../detector.ts';
import { isFailedAuthentication } from '../flags.ts';
import { eventEvidence, pickPrincipal } from '../high-risk-event.ts';
import { actionClass } from './action-class.ts';
import { BASELINE_DEFAULTS, type BaselineConfig } from './baseline-config.ts';
import {
  BASELINE_RULES,
  type BaselineRule,
  RESOURCE_HIJACKING,
  VALID_ACCOUNT_DEFENSE_EVASION,
} from './baseline-rules.ts';
import { distanceKm } from './geo-distance.ts';
import { dayLabel, hourOfWeekIn, utcDay } from './hour-of-week.ts';
import {
  callsAroundHour,
  createProfile,
  type Dimension,
  daysBetween,
  dimEntry,
  type EventFeatures,
  isWarm,
  learn,
  type PrincipalProfile,
} from './profile.ts';
import { ProfileCache } from './profile-cache.ts';
import { type ProfileIdentity, profileIdentity } from './profile-key.ts';
import { MAD_TO_SIGMA, median, medianAbsoluteDeviation } from './robust-stats.ts';
import { SUSPICIOUS_UA_FAMILIES, uaFamily } from './ua-family.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOTED = Symbol('warm-noted');
/** Families a caller does not choose (AWS acting for it): never "a new tool". */
const NOT_A_TOOL = new Set(['unknown', 'aws-internal', 'aws-service']);

/** How many principals a run saw, and how many of them are still learning. */
export interface BaselineStatus {
  principals: number;
  warm: number;
  warmingUp: number;
  /** The warm-up requirement, for the report's wording. */
  minDays: number;
  minEvents: number;
}

/** The EventStore's profile methods, when it has them. */
export function profileStoreOf(store: EventStore): ProfileStore | undefined {
  return store.loadProfiles && store.saveProfiles
    ? { loadProfiles: store.loadProfiles.bind(store), saveProfiles: store.saveProfiles.bind(store) }
    : undefined;
}

/**
 * Per-principal behavioural baselines: learns each principal's countries, networks, regions,
 * services, tools, hours and daily volume from its calls (in event-time order), and reports what
 * departs from them: first-seen country/ASN/region/service/user-agent family, a console sign-in
 * from a new network, activity at an hour the principal is never active, a call-volume spike
 * (median/MAD), impossible travel and dormant principals or keys coming back. No learned-baseline
 * finding is raised before a principal has `minDays` active days and `minEvents` calls.
 *
 * Profiles live in the store; `prepare` loads the ones a batch needs, `persist` writes the changed
 * ones. Memory is bounded by `cacheSize` profiles.
 */
export class BaselineDetector implements Detector {
  readonly id = 'baseline';
  readonly config: BaselineConfig;
  private readonly cache: ProfileCache;
  private readonly hourOfWeek: (time: number) => number;
  private readonly hourFormat: Intl.DateTimeFormat;
  /** Principals seen in this run → warm after their latest call. */
  private readonly seen = new Map<string, boolean>();
  /** The features of the last event: `refineFlags` and `observe` ask for the same event in turn. */
  private memoEvent?: NormalizedEvent;
  private memoFeatures?: EventFeatures;
  /** The identity of the last principal looked up (events of one principal come in runs). */
  private lastPrincipal?: NormalizedEvent['principal'];
  private lastIdentity?: ProfileIdentity;
  /** Agents seen → family, bucketed by a cheap fingerprint (see `family`). */
  private readonly families = new Map<number, [agent: string, family: string][]>();
  private familiesSize = 0;
  private lastAgent?: string;
  private lastFamily = '';
  private readonly asnLabels = new Map<number, string>();

  constructor(
    config: Partial<BaselineConfig> = {},
    private readonly timeZone = 'UTC',
  ) {
    this.config = { ...BASELINE_DEFAULTS, ...config };
    this.cache = new ProfileCache(this.config.cacheSize);
    this.hourOfWeek = hourOfWeekIn(timeZone);
    this.hourFormat = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }

  /** Loads the profiles of the principals in `events` (call before `observe` on them). */
  async prepare(events: readonly NormalizedEvent[], store: EventStore): Promise<void> {
    const keys = new Set<string>();
    for (const e of events) {
      const id = this.identity(e.principal);
      if (id) keys.add(id.key);
    }
    await this.cache.load(keys, profileStoreOf(store));
  }

  /** Writes the changed profiles to the store. */
  async persist(store: EventStore): Promise<void> {
    await this.cache.persist(profileStoreOf(store));
  }

  /**
   * Once a principal is warm, UNUSUAL_TIME means "at an hour this principal is never active"
   * instead of "outside business hours"; before that the global rule stands.
   */
  refineFlags(event: NormalizedEvent, flags: AnomalyFlag[]): AnomalyFlag[] {
    const id = this.identity(event.principal);
    const profile = id && this.cache.peek(id.key);
    if (!profile || !isWarm(profile, this.config)) return flags;
    const unusual = this.isUnusualHour(profile, this.features(event).hourOfWeek);
    const has = flags.includes('UNUSUAL_TIME');
    if (unusual && !has) return ['UNUSUAL_TIME', ...flags];
    if (!unusual && has) return flags.filter((f) => f !== 'UNUSUAL_TIME');
    return flags;
  }

  observe(event: ProcessedEvent): Finding[] {
    const id = this.identity(event.principal);
    if (!id) return [];
    const f = this.features(event);
    let profile = this.cache.peek(id.key);
    let findings: Finding[] = [];
    if (!profile) {
      profile = createProfile(id, f.time);
      this.cache.put(profile);
    } else {
      findings = this.check(profile, f, event);
      this.cache.markDirty(profile);
    }
    learn(profile, f, this.config);
    this.noteWarmth(profile);
    return findings;
  }

  /** Learns from an event without judging it (for `logwarden baseline`, rebuilding from history). */
  learnOnly(event: NormalizedEvent): void {
    const id = this.identity(event.principal);
    if (!id) return;
    const f = this.features(event);
    let profile = this.cache.peek(id.key);
    if (!profile) {
      profile = createProfile(id, f.time);
      this.cache.put(profile);
    } else this.cache.markDirty(profile);
    learn(profile, f, this.config);
    this.noteWarmth(profile);
  }

  /** Records a principal as seen, warm or not; the Map is written only when that changes. */
  private noteWarmth(profile: PrincipalProfile): void {
    const warm = isWarm(profile, this.config);
    // The last state written rides on the object (a symbol: JSON never sees it), sparing a Map lookup.
    const noted = profile as PrincipalProfile & { [NOTED]?: boolean };
    if (noted[NOTED] === warm) return;
    noted[NOTED] = warm;
    this.seen.set(profile.key, warm);
  }

  /** Principals seen since this detector was made, and how many are still warming up. */
  status(): BaselineStatus {
    let warm = 0;
    for (const w of this.seen.values()) if (w) warm++;
    return {
      principals: this.seen.size,
      warm,
      warmingUp: this.seen.size - warm,
      minDays: this.config.minDays,
      minEvents: this.config.minEvents,
    };
  }

  /** A profile in memory (for tests and the CLI). */
  profile(key: string): PrincipalProfile | undefined {
    return this.cache.get(key);
  }

  /** Forgets every profile in memory (before a rebuild). */
  reset(): void {
    this.cache.clear();
    this.seen.clear();
  }

  /**
   * profileIdentity, remembered for the last principal: it reads only these four fields, so equal
   * fields give an equal identity (and the same key string, whose hash V8 keeps).
   */
  private identity(principal: NormalizedEvent['principal']): ProfileIdentity | undefined {
    const last = this.lastPrincipal;
    if (
      last !== undefined &&
      last.type === principal.type &&
      last.arn === principal.arn &&
      last.id === principal.id &&
      last.name === principal.name
    )
      return this.lastIdentity;
    const id = profileIdentity(principal);
    this.lastPrincipal = principal;
    this.lastIdentity = id;
    return id;
  }

  private features(event: NormalizedEvent): EventFeatures {
    if (this.memoEvent === event && this.memoFeatures) return this.memoFeatures;
    const cls = actionClass(event.service, event.action, event.readOnly);
    const geo = event.geo;
    // Every field present (undefined when absent): one object shape, so the per-event code that
    // reads features stays monomorphic.
    const f: EventFeatures = {
      time: event.time,
      day: utcDay(event.time),
      hourOfWeek: this.hourOfWeek(event.time),
      service: event.service,
      actionClass: cls,
      region: event.region,
      country: geo?.country ? geo.country : undefined,
      asn: geo?.asn ? this.asnLabel(geo.asn) : undefined,
      uaFamily: this.family(event.userAgent),
      loginNetwork: undefined,
      accessKey: undefined,
      geo: undefined,
    };
    if (geo?.kind === 'public' && geo.lat !== undefined && geo.lon !== undefined) {
      f.geo = {
        lat: geo.lat,
        lon: geo.lon,
        country: geo.country ?? '',
        asn: geo.asn ?? 0,
        ip: event.sourceIp,
        city: geo.city,
      };
    }
    if (event.action === 'ConsoleLogin' && !event.errorCode && !isFailedAuthentication(event)) {
      f.loginNetwork = f.asn ?? f.country;
    }
    const key = event.principal.accessKeyId;
    if (key?.startsWith('AKIA')) f.accessKey = key;
    this.memoEvent = event;
    this.memoFeatures = f;
    return f;
  }

  /** `AS16509`, memoised: one string per network rather than one per event. */
  private asnLabel(asn: number): string {
    let label = this.asnLabels.get(asn);
    if (label === undefined) {
      label = `AS${asn}`;
      if (this.asnLabels.size >= 50_000) this.asnLabels.clear();
      this.asnLabels.set(asn, label);
    }
    return label;
  }

  /** uaFamily, memoised: a trail has few distinct agents and the classifier tries many patterns. */
  private family(userAgent: string): string {
    // Consecutive calls mostly share an agent: one comparison instead of hashing a long string.
    if (userAgent === this.lastAgent) return this.lastFamily;
    // Keyed by length and two characters rather than the string itself: hashing a long agent
    // string costs more than comparing it with the one or two agents of its bucket.
    const n = userAgent.length;
    const print =
      n === 0
        ? 0
        : n * 0x10000 + ((userAgent.charCodeAt(n >> 1) * 31 + userAgent.charCodeAt(n - 1)) & 0xffff);
    let bucket = this.families.get(print);
    let family: string | undefined;
    if (bucket) {
      for (const [agent, known] of bucket) {
        if (agent === userAgent) {
          family = known;
          break;
        }
      }
    }
    if (family === undefined) {
      family = uaFamily(userAgent);
      if (this.familiesSize >= 10_000) {
        this.families.clear();
        this.familiesSize = 0;
        bucket = undefined;
      }
      if (bucket) bucket.push([userAgent, family]);
      else this.families.set(print, [[userAgent, family]]);
      this.familiesSize++;
    }
    this.lastAgent = userAgent;
    this.lastFamily = family;
    return family;
  }

  private isUnusualHour(profile: PrincipalProfile, hourOfWeek: number): boolean {
    // A call in this very hour of week already rules it out (the common case: one load, no sum).
    if (profile.hours[hourOfWeek] > 0) return false;
    return callsAroundHour(profile, hourOfWeek, this.config.hourTolerance) === 0;
  }

  /** The findings a call earns against the profile as it was before the call. */
  private check(p: PrincipalProfile, f: EventFeatures, event: ProcessedEvent): Finding[] {
    const out: Finding[] = [];
    const cfg = this.config;
    const who = p.name;

    // Dormancy and travel compare with the last call, not with learned habits: no warm-up needed.
    const idle = f.time - p.lastSeen;
    let dormant = false;
    if (p.events > 0 && idle >= cfg.dormantDays * DAY) {
      dormant = true;
      const severity: Severity = event.principal.type === 'Root' ? 'HIGH' : 'MEDIUM';
      out.push(
        this.finding(
          BASELINE_RULES.dormantPrincipal,
          severity,
          event,
          `${who} was last active on ${dayLabel(utcDay(p.lastSeen))}, ${daysBetween(p.lastSeen, f.time)} days before this call (${callOf(event)} from ${where(event)}); principals idle for ${cfg.dormantDays} days or more count as dormant. Before that it was active on ${plural(p.activeDays, 'day')} since ${dayLabel(utcDay(p.firstSeen))}.`,
          { lastSeen: iso(p.lastSeen), idleDays: daysBetween(p.lastSeen, f.time), activeDays: p.activeDays },
        ),
      );
    }
    if (f.accessKey && !dormant) {
      const last = p.keys[f.accessKey];
      if (last !== undefined && f.time - last >= cfg.dormantDays * DAY) {
        out.push(
          this.finding(
            BASELINE_RULES.dormantAccessKey,
            'MEDIUM',
            event,
            `Access key ${f.accessKey} of ${who} was last used on ${dayLabel(utcDay(last))}, ${daysBetween(last, f.time)} days before this call (${callOf(event)} from ${where(event)}); keys unused for ${cfg.dormantDays} days or more count as dormant, though ${who} itself stayed active.`,
            { accessKeyId: f.accessKey, keyLastUsed: iso(last), idleDays: daysBetween(last, f.time) },
          ),
        );
      }
    }
    if (f.geo && p.lastGeo) {
      const [t0, lat0, lon0, country0, asn0, ip0, city0] = p.lastGeo;
      const dt = f.time - t0;
      if (dt >= 0 && ip0 !== f.geo.ip) {
        const km = distanceKm(lat0, lon0, f.geo.lat, f.geo.lon);
        // A minute is the floor: two calls in the same second are not infinitely fast.
        const kmh = km / Math.max(dt / HOUR, 1 / 60);
        if (km >= cfg.minTravelKm && kmh > cfg.maxSpeedKmh) {
          const before = `${place(city0, country0)} (${asn0 ? `AS${asn0}, ` : ''}${ip0}) at ${this.clock(t0)}`;
          const now = `${place(f.geo.city, f.geo.country)} (${f.geo.asn ? `AS${f.geo.asn}, ` : ''}${f.geo.ip}) at ${this.clock(f.time)}`;
          out.push(
            this.finding(
              BASELINE_RULES.impossibleTravel,
              'HIGH',
              event,
              `${who} called from ${before} and from ${now}: ${fmt(Math.round(km))} km in ${duration(dt)}, ${fmt(Math.round(kmh))} km/h, faster than the ${fmt(cfg.maxSpeedKmh)} km/h anyone travels. Shared or stolen credentials, or a VPN switch.`,
              {
                previous: { time: iso(t0), ip: ip0, country: country0, asn: asn0 || undefined, city: city0 },
                distanceKm: Math.round(km),
                speedKmh: Math.round(kmh),
              },
            ),
          );
        }
      }
    }

    if (!isWarm(p, cfg)) return out;

    const loginNew =
      f.loginNetwork !== undefined &&
      Object.keys(p.dims.loginNetwork).length > 0 &&
      !dimEntry(p, 'loginNetwork', f.loginNetwork);
    const countryNew = f.country !== undefined && !dimEntry(p, 'country', f.country);
    const asnNew = f.asn !== undefined && !dimEntry(p, 'asn', f.asn);
    if (loginNew) {
      out.push(
        this.finding(
          BASELINE_RULES.consoleLoginNewNetwork,
          countryNew ? 'HIGH' : 'MEDIUM',
          event,
          `${who} signed in to the console from ${seen(p, 'loginNetwork', p.activeDays)} before; this sign-in came from ${where(event)}${countryNew ? ', a country it never called from' : ''}. It called from ${places(p)}.`,
          { knownLoginNetworks: Object.keys(p.dims.loginNetwork), mfa: event.principal.mfa },
        ),
      );
    } else if (countryNew) {
      const severity: Severity = f.actionClass === 'admin' || f.actionClass === 'auth' ? 'HIGH' : 'MEDIUM';
      out.push(
        this.finding(
          BASELINE_RULES.newCountry,
          severity,
          event,
          `${who} called from ${places(p)}; this call (${callOf(event)}) came from ${where(event)}.`,
          { knownCountries: Object.keys(p.dims.country), knownAsns: Object.keys(p.dims.asn) },
        ),
      );
    } else if (asnNew && Object.keys(p.dims.asn).length > 0) {
      out.push(
        this.finding(
          BASELINE_RULES.newAsn,
          'LOW',
          event,
          `${who} called from ${places(p)}; this call (${callOf(event)}) came from ${where(event)}, a network it never used in a known country.`,
          { knownAsns: Object.keys(p.dims.asn) },
        ),
      );
    }
    if (f.region && !dimEntry(p, 'region', f.region)) {
      const writes = f.actionClass === 'write' || f.actionClass === 'admin';
      out.push(
        this.finding(
          BASELINE_RULES.newRegion,
          writes ? 'MEDIUM' : 'LOW',
          event,
          `${who} worked in ${seen(p, 'region', p.activeDays)}; this call (${callOf(event)}) was made in ${f.region}, a region it never used${writes ? ', and changes something there' : ''}.`,
          { knownRegions: Object.keys(p.dims.region) },
        ),
      );
    }
    if (!dimEntry(p, 'service', f.service)) {
      const discovery = f.actionClass === 'read' || f.actionClass === 'list';
      out.push(
        this.finding(
          BASELINE_RULES.newService,
          'LOW',
          event,
          `${who} used ${Object.keys(p.dims.service).length} services on its ${p.activeDays} active days (${top(p, 'service', 5)}); this is its first call to ${shortService(f.service)} (${event.action}).`,
          { knownServices: Object.keys(p.dims.service) },
          discovery ? undefined : [VALID_ACCOUNT_DEFENSE_EVASION],
        ),
      );
    }
    if (!NOT_A_TOOL.has(f.uaFamily) && !dimEntry(p, 'uaFamily', f.uaFamily)) {
      const suspicious = SUSPICIOUS_UA_FAMILIES.has(f.uaFamily);
      out.push(
        this.finding(
          BASELINE_RULES.newUserAgent,
          suspicious ? 'MEDIUM' : 'LOW',
          event,
          `${who} called with ${seen(p, 'uaFamily', p.activeDays)}; this call (${callOf(event)}) came from ${f.uaFamily}${suspicious ? ', a tool attackers and testers use' : ''} ("${truncate(event.userAgent, 120)}").`,
          { knownFamilies: Object.keys(p.dims.uaFamily), family: f.uaFamily },
        ),
      );
    }
    if (p.reported.hourDay !== f.day && this.isUnusualHour(p, f.hourOfWeek)) {
      p.reported.hourDay = f.day;
      const sensitive = f.actionClass === 'auth' || f.actionClass === 'admin';
      const hour = f.hourOfWeek % 24;
      const tol = cfg.hourTolerance;
      out.push(
        this.finding(
          BASELINE_RULES.unusualHour,
          sensitive ? 'MEDIUM' : 'LOW',
          event,
          `${who} made no call between ${pad((hour - tol + 24) % 24)}:00 and ${pad((hour + tol) % 24)}:59 (${this.timeZone}) on any of its ${p.activeDays} active days (it is active ${activeHours(p)}); this call (${callOf(event)}) came at ${this.clock(f.time)} from ${where(event)}.`,
          { hourOfDay: hour, timeZone: this.timeZone, hoursActive: activeHours(p) },
          undefined,
          `${p.key}|${f.day}`,
        ),
      );
    }
    const spike = this.spike(p, f, event);
    if (spike) out.push(spike);
    return out;
  }

  /** A volume-spike finding when this call takes the day's count past the principal's threshold. */
  private spike(p: PrincipalProfile, f: EventFeatures, event: ProcessedEvent): Finding | undefined {
    const cfg = this.config;
    if (p.reported.spikeDay === f.day) return undefined;
    const last = p.daily[p.daily.length - 1];
    const today = last && last[0] === f.day ? last[1] + 1 : 1;
    if (today < cfg.spikeMinEvents) return undefined;
    if (!p.threshold || p.threshold[0] !== f.day) {
      const before = p.daily.filter(([d]) => d < f.day).map(([, n]) => n);
      if (before.length < cfg.minDays) return undefined;
      const med = median(before);
      const mad = medianAbsoluteDeviation(before, med);
      const limit = Math.max(
        cfg.spikeMinEvents,
        cfg.spikeFactor * med,
        med + cfg.spikeMads * MAD_TO_SIGMA * mad,
      );
      p.threshold = [f.day, Math.ceil(limit)];
    }
    if (today <= p.threshold[1]) return undefined;
    p.reported.spikeDay = f.day;
    const before = p.daily.filter(([d]) => d < f.day).map(([, n]) => n);
    const med = median(before);
    const mad = medianAbsoluteDeviation(before, med);
    const classes = { ...p.dayClasses };
    if (last && last[0] === f.day) classes[f.actionClass] = (classes[f.actionClass] ?? 0) + 1;
    else for (const k of Object.keys(classes)) delete classes[k as keyof typeof classes];
    const mix = Object.entries(classes)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .map(([k, n]) => `${fmt(n ?? 0)} ${k}`)
      .join(', ');
    const writes = (classes.write ?? 0) + (classes.admin ?? 0);
    const severity: Severity = today > 3 * p.threshold[1] ? 'HIGH' : 'MEDIUM';
    const ratio = med > 0 ? `, ${fmt(today / med)}× its median day` : '';
    return this.finding(
      BASELINE_RULES.volumeSpike,
      severity,
      event,
      `${p.name} made ${fmt(today)} calls on ${dayLabel(f.day)} by ${this.clock(f.time, false)}${ratio}: on its ${before.length} previous active days the median was ${fmt(med)} calls (MAD ${fmt(mad)}), so the threshold was ${fmt(p.threshold[1])}. Today's calls so far: ${mix || 'mixed'}.`,
      {
        callsToday: today,
        medianDaily: med,
        mad,
        threshold: p.threshold[1],
        daysCompared: before.length,
        actionClasses: classes,
      },
      writes > today / 2 ? [RESOURCE_HIJACKING] : undefined,
      `${p.key}|${f.day}`,
    );
  }

  private finding(
    rule: BaselineRule,
    severity: Severity,
    event: ProcessedEvent,
    explanation: string,
    baseline: Record<string, unknown>,
    mitre?: readonly MitreRef[],
    dedupeKey?: string,
  ): Finding {
    return {
      id: stableId(rule.id, dedupeKey ?? event.id),
      ruleId: rule.id,
      title: rule.title,
      severity,
      riskScore: SEVERITY_RISK[severity],
      flags: [...event.anomalyFlags],
      mitre: [...(mitre ?? rule.mitre)],
      eventIds: [event.id],
      principal: pickPrincipal(event),
      time: event.time,
      account: event.account,
      region: event.region,
      sourceIp: event.sourceIp,
      explanation,
      evidence: { ...eventEvidence(event), geo: event.geo, baseline },
    };
  }

  private clock(time: number, withDate = true): string {
    const hm = `${this.hourFormat.format(time)} ${this.timeZone}`;
    return withDate ? `${hm} on ${dayLabel(utcDay(time))}` : hm;
  }
}

/** "iam:CreateUser": built only when a finding needs it (hoisted: a closure per event costs). */
function callOf(event: NormalizedEvent): string {
  return `${shortService(event.service)}:${event.action}`;
}

function where(event: NormalizedEvent): string {
  const geo = event.geo;
  if (geo?.kind !== 'public') return event.sourceIp || 'an unknown address';
  const parts = [geo.country ?? '??'];
  if (geo.asn) parts.push(`AS${geo.asn}${geo.org ? ` (${geo.org})` : ''}`);
  return `${parts.join(' / ')}, ${event.sourceIp}`;
}

/** "US / AS16509 on 34 of 34 active days", or each country and network with its days. */
function places(p: PrincipalProfile): string {
  const countries = ranked(p, 'country');
  const asns = ranked(p, 'asn');
  if (countries.length === 0 && asns.length === 0) return 'no geolocated address before';
  if (countries.length === 1 && asns.length <= 1) {
    const [c, days] = countries[0];
    const net = asns.length ? ` / ${asns[0][0]}` : '';
    return `${c}${net} on ${days} of ${p.activeDays} active days`;
  }
  const list = (xs: [string, number][]) =>
    xs
      .slice(0, 4)
      .map(([v, d]) => `${v} (${d} of ${p.activeDays} days)`)
      .join(', ');
  return `${list(countries)}${asns.length ? ` via ${list(asns)}` : ''}`;
}

function ranked(p: PrincipalProfile, dim: Dimension): [string, number][] {
  return Object.entries(p.dims[dim])
    .map(([v, e]) => [v, e[0]] as [string, number])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** "aws-cli (30 of 34 active days), terraform (4 of 34 active days)". */
function seen(p: PrincipalProfile, dim: Dimension, activeDays: number): string {
  const xs = ranked(p, dim);
  const shown = xs.slice(0, 4).map(([v, d]) => `${v} (${d} of ${activeDays} active days)`);
  if (xs.length > 4) shown.push(`${xs.length - 4} more`);
  return shown.join(', ') || 'nothing';
}

function top(p: PrincipalProfile, dim: Dimension, n: number): string {
  const xs = ranked(p, dim).map(([v]) => (dim === 'service' ? shortService(v) : v));
  return xs.slice(0, n).join(', ') + (xs.length > n ? ', …' : '');
}

/** The hours of day a profile has calls in, as ranges: "08:00–18:59". */
function activeHours(p: PrincipalProfile): string {
  const active: boolean[] = [];
  for (let h = 0; h < 24; h++) {
    let n = 0;
    for (let d = 0; d < 7; d++) n += p.hours[d * 24 + h];
    active.push(n > 0);
  }
  const ranges: string[] = [];
  for (let h = 0; h < 24; h++) {
    if (!active[h] || (h > 0 && active[h - 1])) continue;
    let end = h;
    while (end + 1 < 24 && active[end + 1]) end++;
    ranges.push(`${pad(h)}:00–${pad(end)}:59`);
  }
  return ranges.length ? ranges.join(', ') : 'never';
}

function place(city: string | undefined, country: string): string {
  return city ? `${city}, ${country}` : country || 'an unknown place';
}

function shortService(service: string): string {
  return service.replace(/\.amazonaws\.com$/, '');
}

function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return `${Math.round(ms / 1000)} s`;
  if (min < 120) return `${min} min`;
  return `${(ms / HOUR).toFixed(1)} h`;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const pad = (n: number) => String(n).padStart(2, '0');
const iso = (t: number) => new Date(t).toISOString();
const fmt = (n: number) => (Number.isInteger(n) ? n : Math.round(n * 10) / 10).toLocaleString('en-US');
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
