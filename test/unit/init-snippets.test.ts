import { describe, expect, it } from '@jest/globals';
import { GITHUB_ACTION, initSnippets, preDeployCommand, type SnippetInput } from '../../src/init/snippets.js';
import { shellWord } from '../../src/shell-words.js';
import type { InitResult } from '../../src/init/init.js';
import { formatInitText } from '../../src/report/init.js';

const ALEMBIC_INI = { flag: '--alembic-ini', path: 'alembic.ini' } as const;

function input(overrides: Partial<SnippetInput> = {}): SnippetInput {
  return {
    manifest: { fromCwd: 'schema-manifest.json', fromRoot: 'schema-manifest.json' },
    history: { fromCwd: ALEMBIC_INI, fromRoot: ALEMBIC_INI },
    existingFiles: new Set(),
    workflowFile: '.github/workflows/schema-gate.yml',
    ...overrides,
  };
}

describe('the pre-deploy command', () => {
  it("is the README's recipe: run under the deploy lock, then alembic upgrade head", () => {
    expect(preDeployCommand(input())).toBe('schema-gate run --manifest schema-manifest.json --alembic-ini alembic.ini -- alembic upgrade head');
  });

  it('names a versions directory (and --recursive) when that is what was given', () => {
    const migrations = { flag: '--migrations', path: 'db/versions', recursive: true } as const;
    expect(preDeployCommand(input({ history: { fromCwd: migrations, fromRoot: migrations } }))).toBe(
      'schema-gate run --manifest schema-manifest.json --migrations db/versions --recursive -- alembic upgrade head',
    );
  });

  it('checks the live schema only when no history is known', () => {
    const { history: _history, ...withoutHistory } = input();
    expect(preDeployCommand(withoutHistory)).toBe('schema-gate run --manifest schema-manifest.json -- alembic upgrade head');
  });

  it('quotes a path that the shell would split, and only such a path', () => {
    expect(shellWord('db/schema manifest.json')).toBe("'db/schema manifest.json'");
    expect(shellWord("it's.json")).toBe(`'it'\\''s.json'`);
    expect(shellWord('db/schema-manifest.json')).toBe('db/schema-manifest.json');
  });
});

describe('the deploy snippets', () => {
  it('without a deploy file: a whole railway.json to create', () => {
    const [railway, ...rest] = initSnippets(input());
    expect(railway).toMatchObject({ purpose: 'deploy', platform: 'railway', file: 'railway.json', fileExists: false, language: 'json' });
    expect(JSON.parse(railway!.text)).toEqual({
      $schema: 'https://railway.com/railway.schema.json',
      deploy: { preDeployCommand: ['schema-gate run --manifest schema-manifest.json --alembic-ini alembic.ini -- alembic upgrade head'] },
    });
    expect(rest.map((snippet) => snippet.platform)).toEqual(['github-actions']);
  });

  it('with a railway.json: its deploy section, to merge; an existing pre-deploy command is named to be replaced', () => {
    const [merge] = initSnippets(input({ existingFiles: new Set(['railway.json']) }));
    expect(merge).toMatchObject({ fileExists: true, description: expect.stringContaining('merge into the deploy section') });
    expect(JSON.parse(`{${merge!.text}}`)).toEqual({ deploy: { preDeployCommand: [expect.stringContaining('schema-gate run')] } });
    const [replace] = initSnippets(input({ existingFiles: new Set(['railway.json']), railwayPreDeploy: ['alembic upgrade head'] }));
    expect(replace!.description).toContain('replace deploy.preDeployCommand (["alembic upgrade head"])');
    const [already] = initSnippets(input({ existingFiles: new Set(['railway.json']), railwayPreDeploy: ['schema-gate run --manifest m.json -- alembic upgrade head'] }));
    expect(already!.description).toContain('merge into');
  });

  it('one snippet per platform file found, with the README wording, and no railway.json then', () => {
    const snippets = initSnippets(input({ existingFiles: new Set(['Procfile', 'render.yaml', 'fly.toml', 'railway.toml']) }));
    const command = 'schema-gate run --manifest schema-manifest.json --alembic-ini alembic.ini -- alembic upgrade head';
    expect(snippets.map((snippet) => [snippet.file, snippet.text])).toEqual([
      ['railway.toml', `[deploy]\npreDeployCommand = ["${command}"]\n`],
      ['Procfile', `release: ${command}\n`],
      ['render.yaml', `preDeployCommand: "${command}"\n`],
      ['fly.toml', `[deploy]\nrelease_command = "${command}"\n`],
      ['.github/workflows/schema-gate.yml', expect.any(String)],
    ]);
  });
});

describe('the pull-request job', () => {
  it('runs the action offline on the history, limited to what changed since the base branch', () => {
    const workflow = initSnippets(input()).find((snippet) => snippet.purpose === 'pull-request')!;
    expect(workflow).toMatchObject({ file: '.github/workflows/schema-gate.yml', fileExists: false, language: 'yaml' });
    expect(workflow.text).toContain(`uses: ${GITHUB_ACTION}\n`);
    expect(workflow.text).toContain('fetch-depth: 0');
    expect(workflow.text).toContain('          manifest: schema-manifest.json\n          alembic-ini: alembic.ini\n          changed-since: origin/${{ github.base_ref }}\n');
    expect(workflow.text.endsWith('\n')).toBe(true);
  });

  it('uses the paths from the repository root, and a versions directory when that was given', () => {
    const workflow = initSnippets(
      input({
        manifest: { fromCwd: 'schema-manifest.json', fromRoot: 'services/api/schema-manifest.json' },
        history: { fromCwd: { flag: '--migrations', path: 'versions', recursive: false }, fromRoot: { flag: '--migrations', path: 'services/api/versions', recursive: false } },
        workflowFile: '../../.github/workflows/schema-gate.yml',
        existingFiles: new Set(['../../.github/workflows/schema-gate.yml']),
      }),
    ).find((snippet) => snippet.purpose === 'pull-request')!;
    expect(workflow.text).toContain('manifest: services/api/schema-manifest.json\n          migrations: services/api/versions\n');
    expect(workflow).toMatchObject({ fileExists: true, description: expect.stringContaining('merge the job into it') });
  });

  it('quotes a YAML value that would otherwise be misread', () => {
    const odd = { flag: '--alembic-ini', path: 'my project/alembic.ini' } as const;
    const workflow = initSnippets(input({ history: { fromCwd: odd, fromRoot: odd } })).find((snippet) => snippet.purpose === 'pull-request')!;
    expect(workflow.text).toContain('alembic-ini: "my project/alembic.ini"');
  });

  it('is left out when no history is known (an offline check needs one)', () => {
    const { history: _history, ...withoutHistory } = input();
    expect(initSnippets(withoutHistory).map((snippet) => snippet.purpose)).toEqual(['deploy']);
  });
});

describe('the text report', () => {
  const result: InitResult = {
    file: 'schema-manifest.json',
    written: true,
    manifest: { version: 1, enums: { plantype: ['free', 'pro'] }, tables: ['accounts', 'analytics.rollups'] },
    text: '',
    source: { kind: 'migrations', heads: ['9d3e5b2a7c44'], revisions: 2 },
    history: ALEMBIC_INI,
    historyFound: true,
    findings: [
      { rule: 'unanalyzable-statement', severity: 'warning', message: 'revision 9d3e5b2a7c44: calls an imported helper `seed` that schema-gate cannot see; schema-gate cannot tell what it does to the schema', file: 'alembic/versions/9d3e.py', line: 21, hint: 'write the statement with op.* operations' },
    ],
    notes: ['1 statement could not be analysed (listed below): what it does to the schema is not in the manifest; add it by hand if it matters'],
    snippets: initSnippets(input()),
  };

  it('says what was written, from where, what could not be analysed, then each snippet indented under its file', () => {
    expect(formatInitText(result, { color: false })).toMatchSnapshot();
  });
});
