import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/errors.js';
import { manifestFromState, parseManifest } from '../../src/manifest/load.js';

function problems(text: string): readonly string[] {
  try {
    parseManifest(text, 'm.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    return (error as InputError).lines;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('parseManifest', () => {
  it('accepts the minimal form of the design', () => {
    const manifest = parseManifest(
      JSON.stringify({
        version: 1,
        enums: { platformtype: ['meta_ads', 'tiktok_ads'], 'analytics.granularity': ['day', 'week'] },
        tables: ['analytics_data_points', 'analytics.rollups'],
      }),
      'm.json',
    );
    expect([...manifest.expected.enums.values()].map((e) => [e.schema, e.name, e.labels])).toEqual([
      ['public', 'platformtype', ['meta_ads', 'tiktok_ads']],
      ['analytics', 'granularity', ['day', 'week']],
    ]);
    expect([...manifest.expected.tables.values()].map((t) => `${t.schema}.${t.name}`)).toEqual(['public.analytics_data_points', 'analytics.rollups']);
  });

  it('accepts an empty string as a label, as PostgreSQL does, and refuses it twice', () => {
    const manifest = parseManifest('{"version":1,"enums":{"membershipsize":["", "1-25", "26-100"]}}', 'm.json');
    expect([...manifest.expected.enums.values()][0]?.labels).toEqual(['', '1-25', '26-100']);
    expect(problems('{"version":1,"enums":{"membershipsize":["", ""]}}')).toEqual([expect.stringContaining('/enums/membershipsize: duplicate label ""')]);
  });

  it('accepts a manifest without enums or tables', () => {
    expect(parseManifest('{"version": 1}', 'm.json').expected.enums.size).toBe(0);
  });

  it('keeps mixed-case names exact', () => {
    const manifest = parseManifest('{"version":1,"enums":{"PlatformType":["a"],"platformtype":["a"]}}', 'm.json');
    expect([...manifest.expected.enums.values()].map((e) => e.name).sort()).toEqual(['PlatformType', 'platformtype']);
  });

  it('names line and column of broken JSON', () => {
    expect(problems('{\n  "version": 1,\n  "enums": {\n}}\n}')).toEqual([expect.stringMatching(/^m\.json:5:1: invalid JSON/)]);
    expect(problems('{\n  "version": 1,\n')).toEqual([expect.stringMatching(/^m\.json:3:1: invalid JSON/)]);
  });

  it('lists every schema and semantic problem with its JSON pointer, not only the first', () => {
    const lines = problems(
      JSON.stringify({
        version: 2,
        enums: { a: ['x', 'y', 'x'], 'public.a': ['x'], empty: [], b: 'q', 'c/d': [1] },
        tables: ['a', '', 'analytics.t', 'analytics.t'],
        extra: true,
      }),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        'm.json: /version: must be 1',
        'm.json: /: unknown property "extra" (allowed: version, enums, tables, $schema)',
        'm.json: /enums/a: duplicate label "x" at /enums/a/0 and /enums/a/2',
        'm.json: /enums/b: must be an array, got a string',
        'm.json: /enums/c~1d/0: must be a string, got a number',
        'm.json: /tables/1: must not be an empty string',
        'm.json: /enums/public.a: a is listed twice: the same enum as /enums/a',
        expect.stringMatching(/^m\.json: \/tables\/0: a is listed twice: a table with the same name as the enum at \/enums\/a/),
        expect.stringMatching(/^m\.json: \/tables: duplicate entry "analytics\.t"/),
      ]),
    );
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    // An enum without labels is a valid entry: CREATE TYPE x AS ENUM () makes one.
    expect(lines.some((line) => line.includes('/enums/empty'))).toBe(false);
  });

  it('rejects names and labels beyond PostgreSQL limits', () => {
    const long = 'x'.repeat(64);
    const lines = problems(JSON.stringify({ version: 1, enums: { [long]: ['a'], ok: [long] }, tables: ['a.b.c'] }));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`/enums/${long}: "${long}" is longer than PostgreSQL's 63-byte identifier limit`),
        expect.stringContaining('/enums/ok/0: label'),
        'm.json: /tables/0: "a.b.c" is not a valid name (use name or schema.name; double-quote a part that holds a dot)',
      ]),
    );
  });

  it('writes a state back as a manifest that parses to the same state', () => {
    const text = '{"version":1,"enums":{"b":["x"],"s.a":["y","z"],"Mixed":["m"]},"tables":["t","s.u"]}';
    const manifest = parseManifest(text, 'm.json');
    const again = parseManifest(JSON.stringify(manifestFromState(manifest.expected)), 'again.json');
    expect(again.expected).toEqual(manifest.expected);
  });
});
