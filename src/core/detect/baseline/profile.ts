import type { ActionClass } from './action-class.ts';
import type { BaselineConfig } from './baseline-config.ts';
import type { ProfileIdentity } from './profile-key.ts';

const DAY = 86_400_000;

/** What a profile counts distinct values of. */
export const DIMENSIONS = [
  'service',
  'actionClass',
  'region',
  'country',
  'asn',
  'uaFamily',
  'loginNetwork',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** One value of a dimension: [active days it was seen on, events, first seen ms, last seen ms]. */
export type DimEntry = [days: number, events: number, first: number, last: number];

/** The last geolocated call: [time, lat, lon, country, asn (0 = unknown), address, city]. */
export type GeoPoint = [
  time: number,
  lat: number,
  lon: number,
  country: string,
  asn: number,
  ip: string,
  city?: string,
];

/**
 * What one principal usually does, learned from its calls in event-time order. Plain JSON; every
 * part is bounded (values per dimension, days of volume history, access keys), so a profile stays
 * a few kilobytes however long the principal lives.
 */
export interface PrincipalProfile {
  /** Format version. */
  v: 1;
  key: string;
  /** Label used in explanations. */
  name: string;
  firstSeen: number;
  lastSeen: number;
  events: number;
  /** Distinct UTC days with at least one call. */
  activeDays: number;
  dims: Record<Dimension, Record<string, DimEntry>>;
  /** Calls per hour of week (168 slots, Sunday 00h first) in the configured time zone. */
  hours: number[];
  /** [UTC day, calls] of the most recent active days, oldest first. */
  daily: [day: number, calls: number][];
  /** Calls per action class on the latest active day, to say what a spike consisted of. */
  dayClasses: Partial<Record<ActionClass, number>>;
  /** Long-term access key id (AKIA…) → last seen ms. */
  keys: Record<string, number>;
  lastGeo?: GeoPoint;
  /** UTC days on which once-a-day findings last fired. */
  reported: { hourDay?: number; spikeDay?: number };
  /** Spike threshold computed for a day from the days before it: [UTC day, calls]. */
  threshold?: [day: number, calls: number];
}

/** The facts of one call that profiles learn and baseline rules compare. */
export interface EventFeatures {
  time: number;
  day: number;
  hourOfWeek: number;
  service: string;
  actionClass: ActionClass;
  region: string;
  /** ISO country of a geolocated public address. */
  country?: string;
  /** `AS16509`-style label. */
  asn?: string;
  uaFamily: string;
  /** Country/ASN of a successful console sign-in. */
  loginNetwork?: string;
  /** A long-term access key id (AKIA…); temporary ASIA keys change every session and are not tracked. */
  accessKey?: string;
  geo?: { lat: number; lon: number; country: string; asn: number; ip: string; city?: string };
}

const MAX_KEYS = 16;

/** A profile with nothing learned yet. */
export function createProfile(identity: ProfileIdentity, time: number): PrincipalProfile {
  const dims = {} as Record<Dimension, Record<string, DimEntry>>;
  for (const d of DIMENSIONS) dims[d] = {};
  return {
    v: 1,
    key: identity.key,
    name: identity.name,
    firstSeen: time,
    lastSeen: time,
    events: 0,
    activeDays: 0,
    dims,
    hours: new Array<number>(168).fill(0),
    daily: [],
    dayClasses: {},
    keys: {},
    reported: {},
  };
}

/** True once a principal has enough history for its baseline findings to mean something. */
export function isWarm(
  profile: PrincipalProfile,
  config: Pick<BaselineConfig, 'minDays' | 'minEvents'>,
): boolean {
  return profile.activeDays >= config.minDays && profile.events >= config.minEvents;
}

/**
 * Per-profile memo of the last value and entry of each dimension, off the persisted shape (a
 * non-enumerable symbol: JSON and deep equality never see it). A principal mostly repeats its
 * service, region, network and tool, so most calls update the remembered entries in place instead
 * of looking values up in the dimension records. `ready`: this object has learned a call in this
 * process (so its day window is trimmed); `keysBounded`: its access keys are within their bound.
 */
interface LearnMemo {
  ready: boolean;
  keysBounded: boolean;
  values: (string | undefined)[];
  entries: (DimEntry | undefined)[];
}
const MEMO = Symbol('learn-memo');
type Memoised = PrincipalProfile & { [MEMO]?: LearnMemo };

function memoOf(profile: PrincipalProfile): LearnMemo {
  const p = profile as Memoised;
  let memo = p[MEMO];
  if (!memo) {
    memo = {
      ready: false,
      keysBounded: false,
      values: new Array(DIMENSIONS.length),
      entries: new Array(DIMENSIONS.length),
    };
    Object.defineProperty(p, MEMO, { value: memo, enumerable: false, writable: true });
  }
  return memo;
}

// Dimension indexes into the memo, in DIMENSIONS order.
const SERVICE = 0;
const ACTION_CLASS = 1;
const REGION = 2;
const COUNTRY = 3;
const ASN = 4;
const UA_FAMILY = 5;
const LOGIN_NETWORK = 6;

const DIM_INDEX: Record<Dimension, number> = {
  service: SERVICE,
  actionClass: ACTION_CLASS,
  region: REGION,
  country: COUNTRY,
  asn: ASN,
  uaFamily: UA_FAMILY,
  loginNetwork: LOGIN_NETWORK,
};

/**
 * `profile.dims[dim][value]`, remembered: a check of a call against the profile looks up the same
 * values its `learn` then counts, and this spares the second lookup.
 */
export function dimEntry(profile: PrincipalProfile, dim: Dimension, value: string): DimEntry | undefined {
  const memo = memoOf(profile);
  const i = DIM_INDEX[dim];
  if (memo.values[i] === value) return memo.entries[i];
  const entry = profile.dims[dim][value];
  if (entry !== undefined) {
    memo.values[i] = value;
    memo.entries[i] = entry;
  }
  return entry;
}

/** Adds one call to a profile. Calls older than what the profile saw count, but never as new days of a value. */
export function learn(
  profile: PrincipalProfile,
  f: EventFeatures,
  config: Pick<BaselineConfig, 'maxValuesPerDimension' | 'historyDays'>,
): void {
  const memo = memoOf(profile);
  if (profile.events === 0 || f.time < profile.firstSeen) profile.firstSeen = f.time;
  if (f.time > profile.lastSeen) profile.lastSeen = f.time;
  profile.events++;
  addDaily(profile, f, config.historyDays, memo.ready);
  profile.hours[f.hourOfWeek]++;
  const max = config.maxValuesPerDimension;
  const dims = profile.dims;
  const midnight = f.day * DAY;
  touch(dims.service, SERVICE, f.service, f.time, midnight, max, memo);
  touch(dims.actionClass, ACTION_CLASS, f.actionClass, f.time, midnight, max, memo);
  if (f.region) touch(dims.region, REGION, f.region, f.time, midnight, max, memo);
  if (f.country) touch(dims.country, COUNTRY, f.country, f.time, midnight, max, memo);
  if (f.asn) touch(dims.asn, ASN, f.asn, f.time, midnight, max, memo);
  touch(dims.uaFamily, UA_FAMILY, f.uaFamily, f.time, midnight, max, memo);
  if (f.loginNetwork) touch(dims.loginNetwork, LOGIN_NETWORK, f.loginNetwork, f.time, midnight, max, memo);
  if (f.accessKey) {
    const prev = profile.keys[f.accessKey];
    if (prev === undefined || f.time > prev) profile.keys[f.accessKey] = f.time;
    // Once within bounds, only an addition can exceed them.
    if (prev === undefined || !memo.keysBounded) {
      evictOldestKeys(profile.keys, MAX_KEYS);
      memo.keysBounded = true;
    }
  }
  memo.ready = true;
  if (f.geo && (!profile.lastGeo || f.time >= profile.lastGeo[0])) {
    const g = f.geo;
    const last = profile.lastGeo;
    if (last) {
      // Rewritten in place: the same JSON as a fresh array, without one per call.
      last[0] = f.time;
      last[1] = g.lat;
      last[2] = g.lon;
      last[3] = g.country;
      last[4] = g.asn;
      last[5] = g.ip;
      if (g.city) last[6] = g.city;
      else if (last.length > 6) last.length = 6;
    } else {
      profile.lastGeo = [f.time, g.lat, g.lon, g.country, g.asn, g.ip];
      if (g.city) profile.lastGeo.push(g.city);
    }
  }
}

function addDaily(profile: PrincipalProfile, f: EventFeatures, historyDays: number, ready: boolean): void {
  const daily = profile.daily;
  const last = daily[daily.length - 1];
  if (ready && last && last[0] === f.day) {
    // Another call on the newest day: the window of days is unchanged (and was trimmed when the
    // day began), so only the counts move.
    last[1]++;
    profile.dayClasses[f.actionClass] = (profile.dayClasses[f.actionClass] ?? 0) + 1;
    return;
  }
  if (last && last[0] === f.day) {
    last[1]++;
  } else if (!last || f.day > last[0]) {
    daily.push([f.day, 1]);
    profile.activeDays++;
    profile.dayClasses = {};
  } else {
    // An older day (out-of-order input): count it where it belongs, if still inside the window.
    let i = 0;
    while (daily[i][0] < f.day) i++;
    if (daily[i][0] === f.day) daily[i][1]++;
    else if (f.day > last[0] - historyDays) {
      daily.splice(i, 0, [f.day, 1]);
      profile.activeDays++;
    }
  }
  if (!last || f.day >= last[0])
    profile.dayClasses[f.actionClass] = (profile.dayClasses[f.actionClass] ?? 0) + 1;
  const newest = daily[daily.length - 1][0];
  let drop = 0;
  while (
    drop < daily.length - 1 &&
    (daily[drop][0] <= newest - historyDays || daily.length - drop > historyDays)
  )
    drop++;
  if (drop) daily.splice(0, drop);
}

function touch(
  values: Record<string, DimEntry>,
  dim: number,
  value: string,
  time: number,
  midnight: number,
  max: number,
  memo: LearnMemo,
): void {
  let entry = memo.values[dim] === value ? memo.entries[dim] : undefined;
  if (entry === undefined) {
    entry = values[value];
    if (entry === undefined) {
      values[value] = [1, 1, time, time];
      evictOldest(values, max, dim, memo);
      return;
    }
    memo.values[dim] = value;
    memo.entries[dim] = entry;
  }
  // Last seen before today's midnight: a new active day for this value.
  if (entry[3] < midnight) entry[0]++;
  entry[1]++;
  if (time < entry[2]) entry[2] = time;
  if (time > entry[3]) entry[3] = time;
}

/** Drops the least recently seen values of a dimension beyond `max` (the memo forgets evicted ones). */
function evictOldest(values: Record<string, DimEntry>, max: number, dim: number, memo: LearnMemo): void {
  let size = 0;
  for (const _ in values) size++;
  while (size > max) {
    let oldestKey: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const k in values) {
      const t = values[k][3];
      if (t < oldest) {
        oldest = t;
        oldestKey = k;
      }
    }
    if (oldestKey === undefined) return;
    delete values[oldestKey];
    if (memo.values[dim] === oldestKey) {
      memo.values[dim] = undefined;
      memo.entries[dim] = undefined;
    }
    size--;
  }
}

/** Drops the least recently used access keys beyond `max`. */
function evictOldestKeys(keys: Record<string, number>, max: number): void {
  let size = 0;
  for (const _ in keys) size++;
  while (size > max) {
    let oldestKey: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const k in keys) {
      if (keys[k] < oldest) {
        oldest = keys[k];
        oldestKey = k;
      }
    }
    if (oldestKey === undefined) return;
    delete keys[oldestKey];
    size--;
  }
}

/** Days since `time` that a profile entry last saw, in whole days. */
export function daysBetween(earlier: number, later: number): number {
  return Math.floor((later - earlier) / DAY);
}

/** Calls in the hours of day around `hourOfWeek` (± tolerance) on any weekday. */
export function callsAroundHour(profile: PrincipalProfile, hourOfWeek: number, tolerance: number): number {
  const hour = hourOfWeek % 24;
  let calls = 0;
  for (let d = 0; d < 7; d++) {
    for (let h = hour - tolerance; h <= hour + tolerance; h++)
      calls += profile.hours[d * 24 + ((h + 24) % 24)];
  }
  return calls;
}
