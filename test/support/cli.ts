import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built bin, run exactly as `schema-gate` runs after installation. */
export const BIN = fileURLToPath(new URL('../../dist/bin/schema-gate.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns the built CLI with a clean environment: only PATH, HOME and what the test passes, so that
 * a DATABASE_URL or FORCE_COLOR of the developer's shell cannot leak in.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return runToEnd(process.execPath, [BIN, ...args], { ...(cwd !== undefined ? { cwd } : {}), env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env } });
}

/**
 * What a spawned process prints, collected: its result once it ends, and its stderr so far (for a
 * test that waits for a line). The process must have been spawned with piped stdout and stderr.
 */
export function collectOutput(child: ChildProcess): { readonly result: Promise<CliResult>; readonly stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { result, stderr: () => stderr };
}

/** Runs a command to its end, stdin closed, and collects what it printed. */
export function runToEnd(command: string, args: readonly string[], options: Pick<SpawnOptions, 'cwd' | 'env'>): Promise<CliResult> {
  return collectOutput(spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })).result;
}
