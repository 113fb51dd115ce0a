import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BIN, collectOutput, type CliResult } from './cli.js';

const PROGRAM = fileURLToPath(new URL('../../dist/cli/program.js', import.meta.url));
const RUN_COMMAND = fileURLToPath(new URL('../../dist/cli/commands/run.js', import.meta.url));

let entryPoint: string | undefined;

/**
 * The built CLI to spawn for `run`: the bin itself once its program registers `run`; until then an
 * entry point that adds the built run command to the built program, so that `run` is still tested
 * through a real process, real arguments and real signals.
 */
function gateEntryPoint(): string {
  if (entryPoint) return entryPoint;
  const probe = spawnSync(process.execPath, [BIN, 'run', '--help'], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.includes('--lock-timeout')) {
    entryPoint = BIN;
  } else {
    // One file per checkout, replaced atomically: test files that run side by side share it.
    const file = join(tmpdir(), `schema-gate-run-entry-${createHash('sha256').update(PROGRAM).digest('hex').slice(0, 12)}.mjs`);
    const partial = `${file}.${process.pid}`;
    writeFileSync(
      partial,
      [
        `import { createProgram } from ${JSON.stringify(pathToFileURL(PROGRAM).href)};`,
        `import { runCommandModule } from ${JSON.stringify(pathToFileURL(RUN_COMMAND).href)};`,
        'await createProgram(process.argv.slice(2)).command(runCommandModule).parseAsync();',
        '',
      ].join('\n'),
    );
    renameSync(partial, file);
    entryPoint = file;
  }
  return entryPoint;
}

/** A gate process under way. */
export interface GateProcess {
  readonly child: ChildProcess;
  /** Resolves when it has exited and its output is read. */
  readonly result: Promise<CliResult>;
  /** What it has written to stderr so far. */
  stderr(): string;
  /** Resolves when stderr matches, rejects after `timeoutMs` or if the gate exits first. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/**
 * Spawns the built CLI with a clean environment (PATH, HOME and what the test passes), as
 * `runCli` does, but hands back the process so that a test can signal it.
 */
export function spawnGate(args: readonly string[], env: Record<string, string> = {}, cwd?: string): GateProcess {
  const child = spawn(process.execPath, [gateEntryPoint(), ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { result, stderr } = collectOutput(child);
  return {
    child,
    result,
    stderr,
    waitForStderr: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = (): void => {
          if (pattern.test(stderr())) return resolve();
          if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the gate exited before stderr matched ${pattern}:\n${stderr()}`));
          if (Date.now() > deadline) return reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms:\n${stderr()}`));
          setTimeout(poll, 50);
        };
        poll();
      }),
  };
}

/** Runs the built CLI to the end. */
export function runGate(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return spawnGate(args, env, cwd).result;
}
