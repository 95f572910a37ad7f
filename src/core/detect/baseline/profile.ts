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

/** Adds one call to a profile. Calls older than what the profile saw count, but never as new days of a value. */
export function learn(
  profile: PrincipalProfile,
  f: EventFeatures,
  config: Pick<BaselineConfig, 'maxValuesPerDimension' | 'historyDays'>,
): void {
  if (profile.events === 0 || f.time < profile.firstSeen) profile.firstSeen = f.time;
  if (f.time > profile.lastSeen) profile.lastSeen = f.time;
  profile.events++;
  addDaily(profile, f, config.historyDays);
  profile.hours[f.hourOfWeek]++;
  const max = config.maxValuesPerDimension;
  touch(profile.dims.service, f.service, f, max);
  touch(profile.dims.actionClass, f.actionClass, f, max);
  if (f.region) touch(profile.dims.region, f.region, f, max);
  if (f.country) touch(profile.dims.country, f.country, f, max);
  if (f.asn) touch(profile.dims.asn, f.asn, f, max);
  touch(profile.dims.uaFamily, f.uaFamily, f, max);
  if (f.loginNetwork) touch(profile.dims.loginNetwork, f.loginNetwork, f, max);
  if (f.accessKey) {
    const prev = profile.keys[f.accessKey];
    if (prev === undefined || f.time > prev) profile.keys[f.accessKey] = f.time;
    evictOldest(profile.keys, MAX_KEYS, (t) => t);
  }
  if (f.geo && (!profile.lastGeo || f.time >= profile.lastGeo[0])) {
    profile.lastGeo = [f.time, f.geo.lat, f.geo.lon, f.geo.country, f.geo.asn, f.geo.ip];
    if (f.geo.city) profile.lastGeo.push(f.geo.city);
  }
}

function addDaily(profile: PrincipalProfile, f: EventFeatures, historyDays: number): void {
  const daily = profile.daily;
  const last = daily[daily.length - 1];
  if (last && last[0] === f.day) {
    last[1]++;
  } else if (!last || f.day > last[0]) {
    daily.push([f.day, 1]);
    profile.activeDays++;
    profile.dayClasses = {};
  } else {
    // An older day (out-of-order input): count it where it belongs, if still inside the window.
    const i = daily.findIndex(([d]) => d >= f.day);
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

function touch(values: Record<string, DimEntry>, value: string, f: EventFeatures, max: number): void {
  const entry = values[value];
  if (entry) {
    // Last seen before today's midnight: a new active day for this value.
    if (entry[3] < f.day * DAY) entry[0]++;
    entry[1]++;
    if (f.time < entry[2]) entry[2] = f.time;
    if (f.time > entry[3]) entry[3] = f.time;
    return;
  }
  values[value] = [1, 1, f.time, f.time];
  evictOldest(values, max, (e) => e[3]);
}

/** Drops the least recently seen entries beyond `max`. */
function evictOldest<T>(values: Record<string, T>, max: number, lastSeen: (v: T) => number): void {
  let size = 0;
  for (const _ in values) size++;
  while (size > max) {
    let oldestKey: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const k in values) {
      const t = lastSeen(values[k]);
      if (t < oldest) {
        oldest = t;
        oldestKey = k;
      }
    }
    if (oldestKey === undefined) return;
    delete values[oldestKey];
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
