import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsnRangeTable } from '../../../src/adapters/local/geo/asn-range-table.ts';
import { locationOf, MmdbDatabase } from '../../../src/adapters/local/geo/mmdb-database.ts';
import { bundledGeoFiles, OfflineGeoLookup } from '../../../src/adapters/local/geo/offline-geo-lookup.ts';
import { GeoEnricher } from '../../../src/core/enrich/geo-enricher.ts';

const geo = OfflineGeoLookup.fromConfig({});

describe('OfflineGeoLookup with the shipped databases', () => {
  it('places well-known addresses and names their networks', () => {
    const amazon = geo.lookup('52.94.236.248');
    assert.equal(amazon?.country, 'US');
    assert.equal(amazon?.city, 'Ashburn');
    assert.equal(amazon?.asn, 16509);
    assert.equal(amazon?.org, 'Amazon.com, Inc.');
    assert.ok(Math.abs((amazon?.lat ?? 0) - 39.04) < 0.5 && Math.abs((amazon?.lon ?? 0) + 77.49) < 0.5);
    const google = geo.lookup('8.8.8.8');
    assert.equal(google?.country, 'US');
    assert.equal(google?.asn, 15169);
    assert.equal(google?.org, 'Google LLC');
    const m247 = geo.lookup('86.105.9.1');
    assert.equal(m247?.country, 'RO');
    assert.equal(m247?.asn, 9009);
    const telstra = geo.lookup('139.130.4.5');
    assert.equal(telstra?.country, 'AU');
    assert.equal(telstra?.asn, 1221);
  });

  it('answers IPv6 and IPv4-mapped IPv6 addresses', () => {
    const v6 = geo.lookup('2001:4860:4860::8888');
    assert.equal(v6?.asn, 15169);
    assert.ok(v6?.country);
    assert.deepEqual(geo.lookup('::ffff:8.8.8.8'), geo.lookup('8.8.8.8'));
  });

  it('knows nothing of documentation and private ranges', () => {
    assert.equal(geo.lookup('203.0.113.5'), undefined);
    assert.equal(geo.lookup('10.1.2.3'), undefined);
    assert.equal(geo.lookup('not-an-ip'), undefined);
  });

  it('reads a user-supplied .mmdb file given as geo.cityDb', () => {
    const own = OfflineGeoLookup.fromConfig({ cityDb: bundledGeoFiles().cityV4 });
    assert.equal(own.lookup('52.94.236.248')?.city, 'Ashburn');
  });

  it('fails at start-up, naming the file, when a configured database is missing or not an mmdb', () => {
    assert.throws(
      () => OfflineGeoLookup.fromConfig({ cityDb: '/nonexistent/GeoLite2-City.mmdb' }),
      /cannot read GeoIP database \/nonexistent\/GeoLite2-City\.mmdb/,
    );
    assert.throws(() => new MmdbDatabase('package.json').open(), /package\.json is not a MaxMind DB/);
  });
});

describe('locationOf', () => {
  it('maps MaxMind GeoIP2 City and ASN records', () => {
    const city = {
      city: { geoname_id: 4744870, names: { en: 'Ashburn', de: 'Ashburn' } },
      country: { geoname_id: 6252001, iso_code: 'US', names: { en: 'United States' } },
      location: {
        accuracy_radius: 1000,
        latitude: 39.0469,
        longitude: -77.4903,
        time_zone: 'America/New_York',
      },
    };
    assert.deepEqual(locationOf(city), { country: 'US', city: 'Ashburn', lat: 39.0469, lon: -77.4903 });
    assert.deepEqual(
      locationOf({ autonomous_system_number: 16509, autonomous_system_organization: 'AMAZON-02' }),
      {
        asn: 16509,
        org: 'AMAZON-02',
      },
    );
    assert.equal(locationOf({}), undefined);
  });
});

describe('AsnRangeTable', () => {
  it('finds the range holding an address, with quoted organisation names', () => {
    const csv = Buffer.from(
      '16777216,16777471,13335,"Cloudflare, Inc."\n16778240,16779263,38803,Gtelecom Pty Ltd\n',
    );
    const t = AsnRangeTable.fromCsv(csv, 4);
    assert.deepEqual(t.get('1.0.0.1'), { asn: 13335, org: 'Cloudflare, Inc.' });
    assert.deepEqual(t.get('1.0.4.0'), { asn: 38803, org: 'Gtelecom Pty Ltd' });
    assert.equal(t.get('1.0.2.0'), undefined, 'between ranges');
    assert.equal(t.get('0.255.255.255'), undefined, 'before the first');
    assert.equal(t.get('2001:db8::1'), undefined, 'another IP version');
  });

  it('reads 128-bit IPv6 bounds', () => {
    const csv = Buffer.from(
      '42541956101370907050197289607612071936,42541956180599069564461627201156022271,15169,Google LLC\n',
    );
    const t = AsnRangeTable.fromCsv(csv, 6);
    assert.deepEqual(t.get('2001:4860:4860::8888'), { asn: 15169, org: 'Google LLC' });
    assert.equal(t.get('2001:4861::1'), undefined);
  });

  it('names the file and line of a malformed row', () => {
    assert.throws(
      () => AsnRangeTable.fromCsv(Buffer.from('1,2,3,ok\nstart,end,asn,org\n'), 4, 'asn.csv'),
      /asn\.csv:2: expected a decimal IPv4 address/,
    );
  });
});

describe('GeoEnricher', () => {
  it('labels every address kind and caches lookups in a bounded LRU', () => {
    let asked = 0;
    const counting = {
      lookup: (ip: string) => {
        asked++;
        return geo.lookup(ip);
      },
    };
    const enricher = new GeoEnricher(counting, 2);
    assert.deepEqual(enricher.locate('cloudtrail.amazonaws.com'), { kind: 'aws-service' });
    assert.deepEqual(enricher.locate('AWS Internal'), { kind: 'aws-internal' });
    assert.deepEqual(enricher.locate('192.168.10.20'), { kind: 'private' });
    assert.equal(asked, 0, 'only public addresses are looked up');
    assert.equal(enricher.locate('52.94.236.248').country, 'US');
    enricher.locate('52.94.236.248');
    assert.equal(asked, 1);
    enricher.locate('8.8.8.8');
    enricher.locate('1.1.1.1');
    enricher.locate('52.94.236.248');
    assert.equal(asked, 4, 'evicted from a cache of 2, so asked again');
    const unknown = new GeoEnricher(undefined).locate('8.8.8.8');
    assert.deepEqual(unknown, { kind: 'public' });
  });
});
