/**
 * The GitHub Action's script as the action runs it: a process with the inputs in its environment,
 * $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY and $RUNNER_TEMP set, in a git repository. `npx` is replaced on
 * PATH by a stand-in that records its arguments and then runs the built gate (so no registry is
 * needed and the gate under test is this one), or, for the cases about the script alone, exits as told.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BIN, runToEnd, type CliResult } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/github-action.mjs');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Records `npx`'s arguments one call a line; then exits with $FAKE_NPX_EXIT, prints npm's 404, or runs the gate. */
const FAKE_NPX = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_NPX_LOG"
if [ "$FAKE_NPX_MODE" = "404" ]; then
  echo "npm error code E404" >&2
  echo "npm error 404 Not Found - GET https://registry.npmjs.org/schema-gate - Not found" >&2
  exit 1
fi
if [ -n "$FAKE_NPX_EXIT" ]; then exit "$FAKE_NPX_EXIT"; fi
shift 2
exec "$GATE_NODE" "$GATE_BIN" "$@"
`;

let scratch: string;
let repo: string;
let fakeBin: string;
let runDir: string;

function git(args: readonly string[]): void {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

/** Runs the script in the repository with the action's environment plus `env`. */
function runScript(env: Record<string, string>, args: readonly string[] = ['--exit-code-output']): Promise<CliResult> {
  return runToEnd(process.execPath, [SCRIPT, ...args], {
    cwd: repo,
    env: {
      PATH: `${fakeBin}:${process.env['PATH'] ?? ''}`,
      HOME: process.env['HOME'] ?? '/tmp',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: join(runDir, 'output'),
      GITHUB_STEP_SUMMARY: join(runDir, 'summary.md'),
      RUNNER_TEMP: join(runDir, 'temp'),
      FAKE_NPX_LOG: join(runDir, 'npx.log'),
      GATE_NODE: process.execPath,
      GATE_BIN: BIN,
      ...env,
    },
  });
}

/** The outputs the script set, by name. */
function outputs(): Record<string, string> {
  const file = join(runDir, 'output');
  if (!existsSync(file)) return {};
  return Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** The argument lines npx was called with. */
function npxCalls(): string[] {
  const file = join(runDir, 'npx.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'schema-gate-action-'));
  fakeBin = join(scratch, 'bin');
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, 'npx'), FAKE_NPX);
  chmodSync(join(fakeBin, 'npx'), 0o755);
  // The incident's project as a repository of its own, with its manifest and alembic.ini at the top.
  repo = join(scratch, 'repo');
  cpSync(join(ROOT, 'examples/incident'), repo, { recursive: true });
  git(['init', '--quiet', '--initial-branch', 'feature']);
  git(['add', '.']);
  git(['commit', '--quiet', '-m', 'incident']);
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  runDir = mkdtempSync(join(scratch, 'run-'));
  mkdirSync(join(runDir, 'temp'));
});

describe('the action script with the built gate', () => {
  it('the incident, with SARIF: annotations at repository paths, one job summary, a SARIF log, exit code 1 as an output', async () => {
    const result = await runScript({ INPUT_MANIFEST: 'schema-manifest.json', INPUT_ALEMBIC_INI: 'alembic.ini', INPUT_SARIF: 'true', INPUT_CHANGED_SINCE: 'none' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('::error file=alembic/versions/20251010_create_missing_analytics_webhook_tables.py,line=42,title=enum-created-twice::');
    expect(result.stdout).toContain('schema-gate check (offline): ');
    expect(npxCalls()).toEqual([
      `--yes schema-gate@${VERSION} check --manifest schema-manifest.json --alembic-ini alembic.ini --offline --format github`,
      `--yes schema-gate@${VERSION} check --manifest schema-manifest.json --alembic-ini alembic.ini --offline --format sarif`,
    ]);
    const set = outputs();
    expect(set['exit-code']).toBe('1');
    expect(set['sarif-file']).toMatch(new RegExp(`^${join(runDir, 'temp')}/schema-gate-[^/]+/schema-gate\\.sarif$`));
    const sarif = JSON.parse(readFileSync(set['sarif-file']!, 'utf8')) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('enum-created-twice');
    // The summary comes from the first run only.
    const summary = readFileSync(join(runDir, 'summary.md'), 'utf8');
    expect(summary).toContain('enum-created-twice');
    expect(summary.split('\n')[0]).toBeTruthy();
    expect(summary.indexOf(summary.split('\n')[0]!, 1)).toBe(-1);
  });

  it('without --exit-code-output the script exits with the verdict', async () => {
    const result = await runScript({ INPUT_CHANGED_SINCE: 'none' }, []);
    expect(result.code).toBe(1);
    expect(outputs()).toEqual({});
  });

  it('an invalid manifest: exit code 2, the gate’s error as an annotation, no SARIF run', async () => {
    writeFileSync(join(runDir, 'bad.json'), JSON.stringify({ version: 1, enums: { mood: 'happy' } }));
    const result = await runScript({ INPUT_MANIFEST: join(runDir, 'bad.json'), INPUT_SARIF: 'true', INPUT_CHANGED_SINCE: 'none' });
    expect(result.code).toBe(0);
    expect(outputs()).toEqual({ 'exit-code': '2' });
    expect(result.stdout).toMatch(/^::error title=schema-gate::.*\/enums\/mood/m);
    expect(npxCalls()).toHaveLength(1);
  });
});

describe('the action script on its own', () => {
  it('on a pull request, passes --changed-since origin/<base> when the merge base is in the clone', async () => {
    git(['update-ref', 'refs/remotes/origin/main', 'HEAD']);
    const result = await runScript({ GITHUB_BASE_REF: 'main', FAKE_NPX_EXIT: '0' });
    expect(result.code).toBe(0);
    expect(outputs()).toEqual({ 'exit-code': '0' });
    expect(npxCalls()).toEqual([`--yes schema-gate@${VERSION} check --manifest schema-manifest.json --alembic-ini alembic.ini --offline --changed-since origin/main --format github`]);
  });

  it('a base branch that was not fetched (a shallow checkout): exit code 2 naming fetch-depth: 0, npx not run', async () => {
    const result = await runScript({ GITHUB_BASE_REF: 'develop', FAKE_NPX_EXIT: '0' });
    expect(outputs()).toEqual({ 'exit-code': '2' });
    expect(result.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^::error title=schema-gate::changed-since origin\/develop: no merge base .*fetch-depth: 0/)]);
    expect(npxCalls()).toEqual([]);
  });

  it('npm cannot fetch the version: exit code 2 with npm’s reason, not 1 as npx would say', async () => {
    const result = await runScript({ INPUT_VERSION: '99.0.0', INPUT_CHANGED_SINCE: 'none', FAKE_NPX_MODE: '404' });
    expect(outputs()).toEqual({ 'exit-code': '2' });
    expect(result.stdout).toContain('::error title=schema-gate::npx could not fetch or start schema-gate@99.0.0: code E404 404 Not Found');
  });

  it('bad inputs: one annotation, exit code 2', async () => {
    const result = await runScript({ INPUT_ARGS: '--format json' });
    expect(outputs()).toEqual({ 'exit-code': '2' });
    expect(result.stdout).toBe('::error title=schema-gate::args: --format is not allowed: the action runs --format github, and --format sarif with sarif: true\n');
    expect(result.stderr).toBe('');
  });
});
