/**
 * The GitHub Action's script: how its inputs become schema-gate's arguments, and that action.yml hands
 * it every input it declares.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { actionPackageVersion, ActionError, NODE_REQUIREMENT, nodeSatisfies, planRuns, splitArguments } from '../../scripts/github-action.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string; engines: { node: string } };

/** The check arguments of the first run, after `--yes schema-gate@<version> check`. */
function checkArgs(env: Record<string, string>): string[] {
  return planRuns(env, '9.9.9').runs[0]!.args.slice(3);
}

function actionError(action: () => unknown): ActionError {
  try {
    action();
  } catch (error) {
    if (error instanceof ActionError) return error;
    throw error;
  }
  throw new Error('expected an ActionError');
}

describe('splitArguments', () => {
  it('splits on whitespace, keeps quoted text together and undoes backslashes', () => {
    expect(splitArguments('')).toEqual([]);
    expect(splitArguments('  --strict\n  --to heads ')).toEqual(['--strict', '--to', 'heads']);
    expect(splitArguments(`--to 'a b' "c \\"d\\" \\\\" e\\ f ''`)).toEqual(['--to', 'a b', 'c "d" \\', 'e f', '']);
    expect(splitArguments(`--x=$HOME '$(id)' "\`id\`"`)).toEqual(['--x=$HOME', '$(id)', '`id`']);
  });

  it('refuses an unterminated quote or a trailing backslash with one line', () => {
    expect(actionError(() => splitArguments(`--to 'a`)).message).toBe(`args: unterminated ' quote in "--to 'a"`);
    expect(actionError(() => splitArguments('--to "a')).exitCode).toBe(2);
    expect(actionError(() => splitArguments('a\\')).message).toMatch(/^args: a backslash ends/);
  });
});

describe('planRuns', () => {
  it('defaults: schema-manifest.json, alembic.ini, offline, github format, the version of the action', () => {
    const { runs, changedSince } = planRuns({}, '0.1.0');
    expect(changedSince).toBeUndefined();
    expect(runs).toEqual([
      { format: 'github', args: ['--yes', 'schema-gate@0.1.0', 'check', '--manifest', 'schema-manifest.json', '--alembic-ini', 'alembic.ini', '--offline', '--format', 'github'] },
    ]);
  });

  it('runs a package spec instead of the registry version when package is given', () => {
    const args = planRuns({ INPUT_PACKAGE: './tools/schema-gate-0.1.0.tgz', INPUT_VERSION: '9.9.9' }).runs[0]!.args;
    expect(args.slice(0, 5)).toEqual(['--yes', '--package', './tools/schema-gate-0.1.0.tgz', 'schema-gate', 'check']);
    expect(() => planRuns({ INPUT_PACKAGE: 'a b' })).toThrow('package: "a b" is not an npm package spec');
  });

  it('the default version is the one in package.json beside the action', () => {
    expect(actionPackageVersion()).toBe(PACKAGE.version);
    expect(planRuns({}).runs[0]!.args[1]).toBe(`schema-gate@${PACKAGE.version}`);
    expect(planRuns({ INPUT_VERSION: 'next' }).runs[0]!.args[1]).toBe('schema-gate@next');
    expect(actionError(() => planRuns({ INPUT_VERSION: '1.0 --foo' })).exitCode).toBe(2);
  });

  it('migrations replace the alembic.ini default; both given are both passed', () => {
    expect(checkArgs({ INPUT_MIGRATIONS: 'db/versions' })).toEqual(['--manifest', 'schema-manifest.json', '--migrations', 'db/versions', '--offline', '--format', 'github']);
    expect(checkArgs({ INPUT_ALEMBIC_INI: 'svc/alembic.ini', INPUT_MANIFEST: 'm.json' })).toEqual(['--manifest', 'm.json', '--alembic-ini', 'svc/alembic.ini', '--offline', '--format', 'github']);
    expect(checkArgs({ INPUT_MIGRATIONS: 'v', INPUT_ALEMBIC_INI: 'a.ini' })).toEqual(['--manifest', 'schema-manifest.json', '--migrations', 'v', '--alembic-ini', 'a.ini', '--offline', '--format', 'github']);
  });

  it('on a pull request, --changed-since the base branch; an explicit ref wins; none turns it off', () => {
    expect(planRuns({ GITHUB_BASE_REF: 'main' }, '1.0.0').changedSince).toBe('origin/main');
    expect(checkArgs({ GITHUB_BASE_REF: 'release/2.x' })).toContain('origin/release/2.x');
    expect(checkArgs({ GITHUB_BASE_REF: 'main' }).slice(-4)).toEqual(['--changed-since', 'origin/main', '--format', 'github']);
    expect(planRuns({ GITHUB_BASE_REF: 'main', INPUT_CHANGED_SINCE: 'v1.2.0' }, '1.0.0').changedSince).toBe('v1.2.0');
    expect(planRuns({ INPUT_CHANGED_SINCE: 'origin/develop' }, '1.0.0').changedSince).toBe('origin/develop');
    for (const off of ['none', 'None', 'false', 'off']) {
      expect(checkArgs({ GITHUB_BASE_REF: 'main', INPUT_CHANGED_SINCE: off })).not.toContain('--changed-since');
    }
    // A push has no base branch (GITHUB_BASE_REF is set but empty): everything pending is checked.
    expect(checkArgs({ GITHUB_BASE_REF: '' })).not.toContain('--changed-since');
  });

  it('sarif: true adds a second run, the same check in SARIF', () => {
    const { runs } = planRuns({ INPUT_SARIF: 'true', INPUT_ARGS: '--strict' }, '1.0.0');
    expect(runs.map((run) => run.format)).toEqual(['github', 'sarif']);
    expect(runs[1]!.args).toEqual([...runs[0]!.args.slice(0, -2), '--format', 'sarif']);
    expect(planRuns({ INPUT_SARIF: 'false' }, '1.0.0').runs).toHaveLength(1);
    expect(actionError(() => planRuns({ INPUT_SARIF: 'yes' })).message).toBe('sarif: expected true or false, got "yes"');
  });

  it('extra args go after the action’s own, except --format', () => {
    expect(checkArgs({ INPUT_ARGS: "--strict --to 'branch@head'" }).slice(-5)).toEqual(['--strict', '--to', 'branch@head', '--format', 'github']);
    expect(actionError(() => planRuns({ INPUT_ARGS: '--format json' })).message).toMatch(/^args: --format is not allowed/);
    expect(actionError(() => planRuns({ INPUT_ARGS: '--format=json' })).message).toMatch(/^args: --format=json is not allowed/);
  });
});

describe('Node requirement', () => {
  it('is the package’s engines.node, and is checked as npm reads that range', () => {
    expect(NODE_REQUIREMENT).toBe(PACKAGE.engines.node);
    expect(['v20.19.0', '20.20.2', '22.12.0', '23.0.0', '24.11.1'].map(nodeSatisfies)).toEqual([true, true, true, true, true]);
    expect(['18.20.4', '20.18.3', '21.7.3', '22.11.0'].map(nodeSatisfies)).toEqual([false, false, false, false]);
  });
});

describe('action.yml', () => {
  const action = readFileSync(`${ROOT}action.yml`, 'utf8');
  const inputsSection = action.slice(action.indexOf('\ninputs:\n'), action.indexOf('\noutputs:\n'));
  const declared = [...inputsSection.matchAll(/^ {2}([a-z-]+):$/gm)].map((match) => match[1]!);

  it('declares the inputs the script reads, and passes each one by environment, never in the script text', () => {
    expect(declared).toEqual(['manifest', 'migrations', 'alembic-ini', 'changed-since', 'sarif', 'version', 'package', 'working-directory', 'args']);
    for (const name of declared.filter((input) => input !== 'working-directory')) {
      expect(action).toContain(`INPUT_${name.toUpperCase().replace(/-/g, '_')}: \${{ inputs.${name} }}`);
    }
    expect(action).toContain('working-directory: ${{ inputs.working-directory }}');
    for (const line of action.split('\n').filter((text) => /^\s+run: /.test(text))) {
      expect(line).not.toContain('${{');
    }
  });

  it('is a composite action that runs the script from its own checkout and uploads SARIF only when written', () => {
    expect(action).toMatch(/^runs:\n {2}using: composite$/m);
    expect(action).toContain('run: node "$GITHUB_ACTION_PATH/scripts/github-action.mjs" --exit-code-output');
    expect(action).toContain('uses: github/codeql-action/upload-sarif@v4');
    expect(action).toContain("if: steps.gate.outputs.sarif-file != ''");
  });
});
