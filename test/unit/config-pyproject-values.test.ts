import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';
import { inputErrorLines } from '../support/input-error.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'schema-gate-config-values-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const problems = inputErrorLines;

describe('[tool.schema-gate] values pyproject.toml cannot hold', () => {
  it.each([
    ['manifest = schema-manifest.json', 'pyproject.toml: TOML line 3: invalid value schema-manifest.json (a string needs quotes)'],
    ['manifest = 12abc', 'pyproject.toml: TOML line 3: invalid value 12abc (a string needs quotes)'],
  ])('rejects %j as Python reading the file would, naming the line (exit 2)', async (line, message) => {
    await writeFile(join(root, 'pyproject.toml'), `[project]\n[tool.schema-gate]\n${line}\n`);
    const error = await loadConfig({ cwd: root }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect(await problems(loadConfig({ cwd: root }))).toEqual([message]);
  });

  it('still reads quoted strings, numbers and booleans', async () => {
    await writeFile(join(root, 'pyproject.toml'), `[tool.schema-gate]\nmanifest = 'schema-manifest.json'\nstrict = true\n`);
    expect(await loadConfig({ cwd: root })).toMatchObject({ options: { manifest: join(root, 'schema-manifest.json'), strict: true } });
  });
});
