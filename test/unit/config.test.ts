import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { findConfig, searchDirectories } from '../../src/config/find.js';
import { loadConfig } from '../../src/config/load.js';
import { closest } from '../../src/edit-distance.js';
import { inputErrorLines } from '../support/input-error.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'schema-gate-config-'));
});

async function write(relativePath: string, content: unknown): Promise<string> {
  const file = join(root, relativePath);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const problems = inputErrorLines;

describe('finding the configuration', () => {
  it('finds none in an empty directory', async () => {
    expect(await loadConfig({ cwd: root })).toBeUndefined();
  });

  it('reads schema-gate.config.json, resolving paths from its directory', async () => {
    await write('schema-gate.config.json', { manifest: 'schema-manifest.json', 'alembic-ini': '/abs/alembic.ini', strict: true, format: 'json' });
    const config = await loadConfig({ cwd: root });
    expect(config).toMatchObject({ file: join(root, 'schema-gate.config.json'), pointer: '', options: { manifest: join(root, 'schema-manifest.json'), 'alembic-ini': '/abs/alembic.ini', strict: true, format: 'json' }, rules: {} });
  });

  it('reads the schemaGate key of package.json and ignores a package.json without it', async () => {
    await write('package.json', { name: 'app', schemaGate: { manifest: 'm.json', rules: { 'table-not-in-manifest': 'off' } } });
    expect(await loadConfig({ cwd: root })).toMatchObject({ pointer: '/schemaGate', options: { manifest: join(root, 'm.json') }, rules: { 'table-not-in-manifest': 'off' } });
    await write('package.json', { name: 'app', description: 'mentions "schemaGate" only in text' });
    expect(await loadConfig({ cwd: root })).toBeUndefined();
  });

  it('reads [tool.schema-gate] of pyproject.toml, with its rules sub-table', async () => {
    await write(
      'pyproject.toml',
      '[project]\nname = "app"\ndependencies = ["sqlalchemy==1.4.46"]\n\n[tool.schema-gate]\nmanifest = "schema-manifest.json"\nalembic-ini = "alembic.ini"\nsqlalchemy-version = "1.4.46"\n\n[tool.schema-gate.rules]\ntable-not-in-manifest = "error"\n',
    );
    expect(await loadConfig({ cwd: root })).toMatchObject({
      pointer: '/tool/schema-gate',
      options: { manifest: join(root, 'schema-manifest.json'), 'alembic-ini': join(root, 'alembic.ini'), 'sqlalchemy-version': '1.4.46' },
      rules: { 'table-not-in-manifest': 'error' },
    });
  });

  it('does not parse a pyproject.toml that never mentions schema-gate (its syntax is not ours to judge)', async () => {
    await write('pyproject.toml', '[project\nname = ');
    expect(await loadConfig({ cwd: root })).toBeUndefined();
    await write('pyproject.toml', '[tool.schema-gate\nmanifest = "m.json"\n');
    expect((await problems(loadConfig({ cwd: root })))[0]).toMatch(/^pyproject\.toml: TOML line 1: /);
  });

  it('looks upward to the repository root, nearest first, and no further', async () => {
    await mkdir(join(root, 'repo', '.git'), { recursive: true });
    await write('repo/schema-gate.config.json', { manifest: 'root.json' });
    await write('repo/services/api/pyproject.toml', '[tool.schema-gate]\nmanifest = "api.json"\n');
    await mkdir(join(root, 'repo', 'services', 'web'), { recursive: true });
    await write('schema-gate.config.json', { manifest: 'outside.json' });
    expect((await loadConfig({ cwd: join(root, 'repo', 'services', 'api') }))?.options['manifest']).toBe(join(root, 'repo', 'services', 'api', 'api.json'));
    expect((await loadConfig({ cwd: join(root, 'repo', 'services', 'web') }))?.options['manifest']).toBe(join(root, 'repo', 'root.json'));
    expect(searchDirectories(join(root, 'repo', 'services', 'web'))).toEqual([join(root, 'repo', 'services', 'web'), join(root, 'repo', 'services'), join(root, 'repo')]);
  });

  it('outside a repository, reads the working directory only', async () => {
    await write('schema-gate.config.json', { manifest: 'm.json' });
    await mkdir(join(root, 'sub'));
    expect(searchDirectories(join(root, 'sub'))).toEqual([join(root, 'sub')]);
    expect(await loadConfig({ cwd: join(root, 'sub') })).toBeUndefined();
  });

  it('refuses two configurations in one directory', async () => {
    await write('schema-gate.config.json', { manifest: 'm.json' });
    await write('pyproject.toml', '[tool.schema-gate]\nmanifest = "m.json"\n');
    expect(await problems(findConfig(root))).toEqual(['schema-gate.config.json and pyproject.toml ([tool.schema-gate]) both configure schema-gate: keep one, or name one with --config']);
  });

  it('reads a file named explicitly, whatever is found around it', async () => {
    await write('schema-gate.config.json', { manifest: 'found.json' });
    await write('ci/gate.json', { manifest: '../named.json' });
    expect((await loadConfig({ cwd: root, file: 'ci/gate.json' }))?.options['manifest']).toBe(join(root, 'named.json'));
    await write('ci/pyproject.toml', '[tool.other]\nx = 1\n');
    expect(await problems(loadConfig({ cwd: root, file: 'ci/pyproject.toml' }))).toEqual(['ci/pyproject.toml: has no [tool.schema-gate] table to configure schema-gate']);
    expect(await problems(loadConfig({ cwd: root, file: 'absent.json' }))).toEqual(['absent.json: cannot read the configuration: no such file']);
  });
});

describe('validating the configuration', () => {
  it('names the file and the JSON pointer of every problem, one line each (an unknown rule\'s value is not judged too)', async () => {
    await write('package.json', { schemaGate: { manfest: 'm.json', strict: 'yes', format: 'yaml', 'version-table': '', rules: { 'table-not-in-manfest': 'warn', 'enum-missing': 'warn' } } });
    expect(await problems(loadConfig({ cwd: root }))).toEqual([
      'package.json: /schemaGate/manfest: unknown key "manfest" (did you mean "manifest"?)',
      'package.json: /schemaGate/format: must be one of "text", "json", "github", "markdown", "sarif", got "yaml"',
      'package.json: /schemaGate/strict: must be a boolean, got a string',
      'package.json: /schemaGate/version-table: must not be an empty string',
      'package.json: /schemaGate/rules/enum-missing: must be one of "off", "info", "warning", "error", got "warn"',
      'package.json: /schemaGate/rules/table-not-in-manfest: unknown rule "table-not-in-manfest" (did you mean "table-not-in-manifest"?); schema-gate rules lists them',
    ]);
  });

  it('lists the keys when nothing is close, and escapes pointer tokens', async () => {
    await write('schema-gate.config.json', { 'database/url': 'x', rules: 'all' });
    expect(await problems(loadConfig({ cwd: root }))).toEqual([
      expect.stringMatching(/^schema-gate\.config\.json: \/database~1url: unknown key "database\/url" \(allowed: manifest, baseline, migrations, .*, rules, \$schema\)$/),
      'schema-gate.config.json: /rules: must be an object, got a string',
    ]);
  });

  it('names the line and column of broken JSON', async () => {
    await write('schema-gate.config.json', '{\n  "manifest": "m.json",\n}');
    expect(await problems(loadConfig({ cwd: root }))).toEqual([expect.stringMatching(/^schema-gate\.config\.json:3:1: invalid JSON/)]);
  });

  it('accepts an empty configuration and a $schema key', async () => {
    await write('schema-gate.config.json', { $schema: './node_modules/schema-gate/schemas/config.schema.json' });
    expect(await loadConfig({ cwd: root })).toMatchObject({ options: {}, rules: {} });
  });

  it('suggests only close words', () => {
    expect(closest('stric', ['strict', 'format'])).toBe('strict');
    expect(closest('database-url', ['strict', 'format'])).toBeUndefined();
  });
});
