import { describe, expect, it } from 'vitest';
import { clampTime, countryFromAcceptLanguage, pathOf, propertyProblems, referrerHost } from './checks.js';
import { funnelOf, retentionOf, toCsv } from './dashboards.js';
import { visitorHash } from './visitor.js';

describe('event checks', () => {
  it('bounds depth, keys and strings', () => {
    expect(propertyProblems({ a: { b: { c: { d: { e: 1 } } } } })).toEqual([]);
    expect(propertyProblems({ a: { b: { c: { d: { e: { f: 1 } } } } } })).toEqual([
      'properties nest deeper than 5 levels',
    ]);
    expect(propertyProblems(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i])))).toEqual([]);
    expect(propertyProblems({ a: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i])) })).toEqual([
      'properties have more than 100 keys',
    ]);
    // 8 KB in UTF-8 bytes: 4,097 two-byte characters are too long.
    expect(propertyProblems({ s: 'é'.repeat(4096) })).toEqual([]);
    expect(propertyProblems({ s: 'é'.repeat(4097) })).toEqual(['a string is longer than 8192 bytes']);
    expect(propertyProblems({ list: [[[[[['deep']]]]]] })).toEqual(['properties nest deeper than 5 levels']);
  });

  it('clamps times outside [now − 7 days, now + 5 minutes]', () => {
    const now = 1_000_000_000_000;
    expect(clampTime(now - 1000, now)).toEqual({ ts: now - 1000 });
    expect(clampTime(now + 6 * 60_000, now)).toEqual({ ts: now, flag: 'clamped_future' });
    expect(clampTime(now - 8 * 86_400_000, now)).toEqual({ ts: now, flag: 'clamped_past' });
    expect(clampTime(undefined, now)).toEqual({ ts: now });
  });

  it('reads the country, page and referrer without keeping more', () => {
    expect(countryFromAcceptLanguage('fr-BE,fr;q=0.9')).toBe('BE');
    expect(countryFromAcceptLanguage('fr, en-GB;q=0.5')).toBe('GB');
    expect(countryFromAcceptLanguage('zh-Hant-TW')).toBe('TW');
    expect(countryFromAcceptLanguage('fr')).toBeNull();
    expect(countryFromAcceptLanguage(undefined)).toBeNull();
    expect(pathOf('https://x.org/a/b?token=1#f')).toBe('/a/b');
    expect(pathOf('/a?b')).toBe('/a');
    expect(pathOf('not a url')).toBeNull();
    expect(referrerHost('https://search.example/?q=private')).toBe('search.example');
    expect(referrerHost('javascript:alert(1)')).toBeNull();
  });

  it('hashes visitors by salt, site, address and agent', () => {
    const salt = 'ab'.repeat(32);
    const v = visitorHash(salt, 'app', '203.0.113.1', 'UA');
    expect(v).toHaveLength(22);
    expect(visitorHash(salt, 'app', '203.0.113.1', 'UA')).toBe(v);
    expect(visitorHash('cd'.repeat(32), 'app', '203.0.113.1', 'UA')).not.toBe(v);
    expect(visitorHash(salt, 'other', '203.0.113.1', 'UA')).not.toBe(v);
    expect(visitorHash(salt, 'app', '203.0.113.2', 'UA')).not.toBe(v);
  });

  it('keeps the visitor id of given inputs (ids of a day stay comparable across versions)', () => {
    // HMAC-SHA256 keyed by the hex-decoded salt over site NUL ip NUL agent, base64url, 22 characters.
    const salt = '00'.repeat(31) + '01';
    expect(visitorHash(salt, 'app_1', '203.0.113.7', 'Mozilla/5.0 test')).toBe('fQqaYyJlz3-SEzwIWtZJOi');
    expect(visitorHash(salt, 'app_1', '203.0.113.7', 'Other/1.0')).toBe('bvENavcMggRrSA9DkIOwmE');
  });
});

describe('funnels, cohorts and CSV', () => {
  it('counts ordered steps within the window, once per unit', () => {
    const rows = [
      // a: view → cart → buy within 10 s
      { visitor: 'a', name: 'view', ts: 0 },
      { visitor: 'a', name: 'cart', ts: 5 },
      { visitor: 'a', name: 'buy', ts: 10 },
      // b: buys before viewing: only the first step
      { visitor: 'b', name: 'buy', ts: 0 },
      { visitor: 'b', name: 'view', ts: 1 },
      // c: too slow from its first view, in time from its second
      { visitor: 'c', name: 'view', ts: 0 },
      { visitor: 'c', name: 'view', ts: 100 },
      { visitor: 'c', name: 'cart', ts: 105 },
      // d: cart outside the window
      { visitor: 'd', name: 'view', ts: 0 },
      { visitor: 'd', name: 'cart', ts: 50 },
    ];
    expect(funnelOf(rows, ['view', 'cart', 'buy'], 20)).toEqual([4, 2, 1]);
  });

  it('builds weekly cohorts from active days', () => {
    // Day 0 is a Thursday (1970-01-01): days 0 and 3 are in two weeks (Mon 1969-12-29, Mon 1970-01-05).
    const cohorts = retentionOf([
      { visitor: 'a', day: 0 },
      { visitor: 'a', day: 4 },
      { visitor: 'b', day: 4 },
      { visitor: 'b', day: 20 },
    ]);
    expect(cohorts).toEqual([
      { week: '1969-12-29', size: 1, retained: [1, 1] },
      { week: '1970-01-05', size: 1, retained: [1, 0, 1] },
    ]);
  });

  it('neutralises formula-looking cells', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['=cmd()', 3],
          ['x,y', -1],
        ],
      ),
    ).toBe('a,b\r\n\'=cmd(),3\r\n"x,y",-1\r\n');
  });
});
