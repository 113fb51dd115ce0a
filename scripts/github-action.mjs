#!/usr/bin/env node
/**
 * The step of the GitHub Action (action.yml at the repository root): turns the action's inputs into
 * schema-gate runs and runs them with `npx --yes schema-gate@<version>`.
 *
 * - Inputs arrive as environment variables (INPUT_MANIFEST, INPUT_MIGRATIONS, INPUT_ALEMBIC_INI,
 *   INPUT_CHANGED_SINCE, INPUT_SARIF, INPUT_VERSION, INPUT_PACKAGE, INPUT_ARGS), never spliced into shell text, so no
 *   value can run as code.
 * - The first run is `check --offline --format github` (annotations, and the job summary the gate appends
 *   to $GITHUB_STEP_SUMMARY); with `sarif: true` a second run writes `--format sarif` to a file for
 *   github/codeql-action/upload-sarif.
 * - On a pull request `--changed-since origin/<base branch>` is added unless the input says otherwise;
 *   its merge base must be in the clone (actions/checkout with `fetch-depth: 0`), which is checked
 *   first so that a shallow clone fails with a line that says how to fix it.
 * - With `--exit-code-output` the verdict is written to $GITHUB_OUTPUT as `exit-code` and the script
 *   exits 0, so that the SARIF upload still runs when the check found errors; the action's last step
 *   then exits with that code. Without it the script exits with the verdict itself.
 *
 * Plain JavaScript, no dependencies: it runs from the action's checkout, where nothing is built.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exit codes the gate documents, and the action's own failures map onto them. */
export const EXIT = { safe: 0, findings: 1, invalidInput: 2, internal: 70 };

/** package.json's `engines.node`, which the script checks before npx would fetch anything. */
export const NODE_REQUIREMENT = '^20.19.0 || ^22.12.0 || >=23';

/** A problem with the action's inputs or its environment: one line, and the exit code to report. */
export class ActionError extends Error {
  constructor(message, exitCode = EXIT.invalidInput) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Whether a Node version (`20.19.1`) satisfies NODE_REQUIREMENT. */
export function nodeSatisfies(version) {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major === 20) return minor >= 19;
  if (major === 22) return minor >= 12;
  return major >= 23;
}

/**
 * Splits the `args` input into arguments as a POSIX shell would split plain words: whitespace
 * separates; '…' keeps everything literally; "…" keeps everything but `\"` and `\\`; a backslash
 * outside quotes keeps the next character. No expansion of any kind.
 */
export function splitArguments(text) {
  const words = [];
  let word = '';
  let inWord = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) throw new ActionError(`args: unterminated ' quote in ${JSON.stringify(text)}`);
      word += text.slice(index + 1, end);
      index = end;
    } else if (char === '"') {
      let end = index + 1;
      for (; end < text.length && text[end] !== '"'; end++) {
        if (text[end] === '\\' && (text[end + 1] === '"' || text[end + 1] === '\\')) end++;
        word += text[end];
      }
      if (end >= text.length) throw new ActionError(`args: unterminated " quote in ${JSON.stringify(text)}`);
      index = end;
    } else if (char === '\\') {
      if (index + 1 >= text.length) throw new ActionError(`args: a backslash ends ${JSON.stringify(text)}`);
      word += text[++index];
    } else {
      word += char;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The version of schema-gate this action belongs to: its package.json beside the action. */
export function actionPackageVersion() {
  const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'));
  return packageJson.version;
}

/** Values of `changed-since` that turn the option off, so that every pending revision is checked. */
const CHECK_EVERYTHING = new Set(['none', 'false', 'off']);

/**
 * The runs the inputs ask for, as argument lists for `npx`. Pure: reads only `env`.
 * @returns {{ changedSince: string | undefined, runs: { format: 'github' | 'sarif', args: string[] }[] }}
 */
export function planRuns(env, defaultVersion = actionPackageVersion()) {
  const input = (name) => (env[`INPUT_${name}`] ?? '').trim();
  const manifest = input('MANIFEST') || 'schema-manifest.json';
  const migrations = input('MIGRATIONS');
  const alembicIni = input('ALEMBIC_INI') || (migrations ? '' : 'alembic.ini');
  const version = input('VERSION') || defaultVersion;
  if (/\s/.test(version)) throw new ActionError(`version: ${JSON.stringify(version)} is not an npm version or tag`);
  // A package spec npm understands (a tarball from npm pack committed to the repository, a git URL):
  // for a gate that is not on the registry, or a build of one's own. It wins over version.
  const packageSpec = input('PACKAGE');
  if (/\s/.test(packageSpec)) throw new ActionError(`package: ${JSON.stringify(packageSpec)} is not an npm package spec`);
  const sarif = input('SARIF').toLowerCase();
  if (!['', 'true', 'false'].includes(sarif)) throw new ActionError(`sarif: expected true or false, got ${JSON.stringify(input('SARIF'))}`);

  const requested = input('CHANGED_SINCE');
  const baseRef = (env['GITHUB_BASE_REF'] ?? '').trim();
  const changedSince = CHECK_EVERYTHING.has(requested.toLowerCase()) ? undefined : requested || (baseRef ? `origin/${baseRef}` : undefined);

  const extra = splitArguments(env['INPUT_ARGS'] ?? '');
  const formatFlag = extra.find((arg) => arg === '--format' || arg.startsWith('--format='));
  if (formatFlag) throw new ActionError(`args: ${formatFlag} is not allowed: the action runs --format github, and --format sarif with sarif: true`);

  const check = [
    '--yes',
    ...(packageSpec ? ['--package', packageSpec, 'schema-gate'] : [`schema-gate@${version}`]),
    'check',
    '--manifest',
    manifest,
    ...(migrations ? ['--migrations', migrations] : []),
    ...(alembicIni ? ['--alembic-ini', alembicIni] : []),
    '--offline',
    ...(changedSince ? ['--changed-since', changedSince] : []),
    ...extra,
  ];
  const runs = [{ format: 'github', args: [...check, '--format', 'github'] }];
  if (sarif === 'true') runs.push({ format: 'sarif', args: [...check, '--format', 'sarif'] });
  return { changedSince, runs };
}

/** A workflow command's message: `%` and line breaks escaped. */
function escapeData(text) {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Prints one error annotation, titled so that it is clear the action (not a finding) speaks. */
function annotateError(message) {
  process.stdout.write(`::error title=schema-gate::${escapeData(message)}\n`);
}

/** Fails unless the merge base of HEAD and `ref` is in the clone, naming the fix. */
function requireMergeBase(ref, cwd) {
  const found = spawnSync('git', ['merge-base', 'HEAD', ref], { cwd, encoding: 'utf8' });
  if (found.error) throw new ActionError(`changed-since ${ref}: git could not run (${found.error.message}); git is needed to find the changed files`);
  if (found.status !== 0) {
    throw new ActionError(`changed-since ${ref}: no merge base of HEAD and ${ref} in this clone; check out with actions/checkout and fetch-depth: 0, or set changed-since to a ref that is fetched (or to none to check every pending revision)`);
  }
}

/**
 * Runs `npx` with the arguments, stdout to `stdoutFile` when given (else inherited); resolves to its
 * exit code (128 + n after signal n). Lines the gate prints as `schema-gate: error: …` on stderr become
 * error annotations too, so that a bad manifest shows on the pull request, not only in the log. When
 * npm itself failed (a version that does not exist, no registry), npx exits 1 like a check with
 * findings: that is told apart by npm's own error lines and reported as invalid input (exit 2).
 */
function runGate(args, { cwd, env, stdoutFile }) {
  return new Promise((resolve, reject) => {
    const stdoutFd = stdoutFile === undefined ? 'inherit' : openSync(stdoutFile, 'w');
    let closed = false;
    const closeOutput = () => {
      if (typeof stdoutFd === 'number' && !closed) closeSync(stdoutFd);
      closed = true;
    };
    const child = spawn('npx', args, { cwd, env, stdio: ['ignore', stdoutFd, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      stderr += chunk.toString();
    });
    child.on('error', (error) => {
      closeOutput();
      reject(new ActionError(`npx could not run (${error.message}); the action needs Node.js and npm on PATH`));
    });
    child.on('close', (code, signal) => {
      closeOutput();
      const lines = stderr.split(/\r?\n/);
      const gateErrors = lines.flatMap((line) => /^schema-gate: error: (.*)$/.exec(line)?.slice(1) ?? []);
      const npmErrors = lines.flatMap((line) => /^npm (?:error|ERR!) (.*)$/.exec(line)?.slice(1) ?? []).filter((line) => line.trim() !== '');
      for (const message of gateErrors) annotateError(message);
      const exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : EXIT.internal);
      if (exitCode !== EXIT.safe && gateErrors.length === 0 && npmErrors.length > 0) {
        const what = args[1] === '--package' ? args[2] : args[1];
        annotateError(`npx could not fetch or start ${what}: ${npmErrors.slice(0, 2).join(' ')}`);
        resolve(EXIT.invalidInput);
        return;
      }
      resolve(exitCode);
    });
  });
}

/** Appends `name=value` to $GITHUB_OUTPUT. */
function setOutput(env, name, value) {
  const file = env['GITHUB_OUTPUT'];
  if (!file) return;
  appendFileSync(file, `${name}=${value}\n`);
}

/**
 * Plans and runs the gate; resolves to the verdict's exit code. Sets the outputs `sarif-file` (when a
 * SARIF log was written) and, through the caller, `exit-code`.
 */
export async function runAction(env = process.env, cwd = process.cwd()) {
  if (!nodeSatisfies(process.versions.node)) {
    throw new ActionError(`schema-gate needs Node.js ${NODE_REQUIREMENT}; this runner has ${process.versions.node}: add actions/setup-node with node-version: 20 before this action`);
  }
  const { changedSince, runs } = planRuns(env);
  if (changedSince) requireMergeBase(changedSince, cwd);

  const [checkRun, sarifRun] = runs;
  const verdict = await runGate(checkRun.args, { cwd, env });
  // A verdict other than safe or findings means the input or the run is broken: the SARIF run would only repeat it.
  if (!sarifRun || (verdict !== EXIT.safe && verdict !== EXIT.findings)) return verdict;

  const sarifFile = join(mkdtempSync(join(env['RUNNER_TEMP'] || tmpdir(), 'schema-gate-')), 'schema-gate.sarif');
  // The first run has written the job summary; the SARIF run must not append it again.
  const { GITHUB_STEP_SUMMARY: _summary, ...sarifEnv } = env;
  const sarifExit = await runGate(sarifRun.args, { cwd, env: sarifEnv, stdoutFile: sarifFile });
  if (sarifExit !== EXIT.safe && sarifExit !== EXIT.findings) {
    annotateError(`the SARIF run exited ${sarifExit}; no SARIF log is uploaded`);
    return sarifExit;
  }
  setOutput(env, 'sarif-file', sarifFile);
  return verdict;
}

/** The command line: `node github-action.mjs [--exit-code-output]`. */
async function main() {
  const deferExit = process.argv.includes('--exit-code-output');
  let exitCode;
  try {
    exitCode = await runAction();
  } catch (error) {
    if (error instanceof ActionError) {
      annotateError(error.message);
      exitCode = error.exitCode;
    } else {
      annotateError(`internal error in the action's script: ${error instanceof Error ? error.message : String(error)}`);
      exitCode = EXIT.internal;
    }
  }
  if (deferExit && process.env['GITHUB_OUTPUT']) {
    setOutput(process.env, 'exit-code', String(exitCode));
    return;
  }
  process.exitCode = exitCode;
}

/** Whether this file is the script node was started with (not imported by a test). */
function isEntryPoint() {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();
