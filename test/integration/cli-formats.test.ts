import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type * as Sarif from 'sarif';
import { RULES } from '../../src/rules/index.js';
import { runCli } from '../support/cli.js';

const CHECK = ['check', '--manifest', 'examples/incident/schema-manifest.json', '--alembic-ini', 'examples/incident/alembic.ini'];
const MIGRATION = 'examples/incident/alembic/versions/20251010_create_missing_analytics_webhook_tables.py';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'schema-gate-formats-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The `::error file=…,line=…,title=…::` annotations of an output, as [rule, file, line]. */
function annotations(stdout: string): [string, string, number][] {
  return [...stdout.matchAll(/^::error file=([^,]+),line=(\d+),title=([^:]+)::/gm)].map((match) => [match[3]!, match[1]!, Number(match[2])]);
}

describe('check --format github on the incident example (offline)', () => {
  it('annotates the two lines that create the types a second time', async () => {
    const result = await runCli([...CHECK, '--format', 'github']);
    expect(result.code).toBe(1);
    expect(annotations(result.stdout).filter(([rule]) => rule === 'enum-created-twice')).toEqual([
      ['enum-created-twice', MIGRATION, 42],
      ['enum-created-twice', MIGRATION, 48],
    ]);
    expect(result.stdout).toMatch(/: not safe to migrate\n$/);
  });

  it('is the default inside GitHub Actions, and appends a Markdown summary to $GITHUB_STEP_SUMMARY', async () => {
    const summaryFile = join(scratch, 'step-summary.md');
    await writeFile(summaryFile, 'an earlier step\n');
    const result = await runCli(CHECK, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile });
    expect(result.code).toBe(1);
    expect(annotations(result.stdout).map(([, file, line]) => `${file}:${line}`)).toContain(`${MIGRATION}:42`);
    const summary = await readFile(summaryFile, 'utf8');
    expect(summary).toMatch(/^an earlier step\n### ❌ schema-gate: not safe to migrate/);
    expect(summary).toContain(`\`${MIGRATION}:48\``);
  });

  it('stays text outside GitHub Actions, and --format wins inside', async () => {
    expect((await runCli(CHECK)).stdout).toMatch(/^schema-gate check \(offline\)\n/);
    expect((await runCli([...CHECK, '--format', 'json'], { GITHUB_ACTIONS: 'true' })).stdout).toMatch(/^\{/);
  });
});

describe('check --format markdown', () => {
  it('is a pull-request comment with the verdict and a table of findings', async () => {
    const result = await runCli([...CHECK, '--format', 'markdown']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^### ❌ schema-gate: not safe to migrate \(4 errors, 0 warnings\)\n/);
    expect(result.stdout).toContain(`| 🔴 error | [\`enum-created-twice\`](docs/rules/enum-created-twice.md) | \`${MIGRATION}:42\``);
  });
});

describe('check --format sarif', () => {
  it('writes a log that the SARIF Multitool validates', async () => {
    const result = await runCli([...CHECK, '--format', 'sarif']);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout) as Sarif.Log;
    const results = log.runs[0]!.results!;
    expect(results.filter((entry) => entry.ruleId === 'enum-created-twice').map((entry) => entry.locations![0]!.physicalLocation)).toEqual([
      { artifactLocation: { uri: MIGRATION, uriBaseId: '%SRCROOT%' }, region: { startLine: 42 } },
      { artifactLocation: { uri: MIGRATION, uriBaseId: '%SRCROOT%' }, region: { startLine: 48 } },
    ]);

    const input = join(scratch, 'incident.sarif');
    const output = join(scratch, 'validation.sarif');
    await writeFile(input, result.stdout);
    // The validator exits 0 whatever it finds, so its own SARIF log is read for errors.
    await promisify(execFile)('npx', ['--yes', '-p', '@microsoft/sarif-multitool', 'sarif-multitool', 'validate', input, '--output', output, '--log', 'ForceOverwrite'], { cwd: scratch, maxBuffer: 16 * 1024 * 1024 });
    const validation = JSON.parse(await readFile(output, 'utf8')) as Sarif.Log;
    const problems = (validation.runs[0]!.results ?? []).map((entry) => ({ rule: entry.ruleId, level: entry.level ?? 'warning', text: entry.message.text ?? entry.message.id }));
    expect(problems.filter((problem) => problem.level === 'error')).toEqual([]);
    // The only advice left: no informationUri, since the package declares no home page.
    expect(problems.map((problem) => problem.rule)).toEqual(problems.map(() => 'SARIF2005'));
  }, 300_000);
});

describe('rules and explain', () => {
  it('rules lists every rule with its severity and description', async () => {
    const result = await runCli(['rules']);
    expect(result.code).toBe(0);
    for (const { meta } of RULES) expect(result.stdout).toMatch(new RegExp(`^${meta.id} +${meta.defaultSeverity} +${meta.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('explain prints the rule page', async () => {
    const result = await runCli(['explain', 'enum-created-twice']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(await readFile(new URL('../../docs/rules/enum-created-twice.md', import.meta.url), 'utf8'));
  });

  it('an unknown id exits 2 naming the closest ids', async () => {
    const result = await runCli(['explain', 'enum-create-twice']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('schema-gate: error: no rule "enum-create-twice"; did you mean enum-created-twice');
    expect(result.stdout).toBe('');
  });
});
