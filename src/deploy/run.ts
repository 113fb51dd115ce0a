/**
 * `run`: the deploy path. Under the deploy lock, check the live database, and only if it is safe run
 * the migration command, holding the lock until that command ends. Concurrent deploys (replicas,
 * retries, two pipelines) thereby run one after the other, and each later one checks the database
 * its predecessor left — so its `alembic upgrade head` finds nothing to do instead of creating
 * everything a second time.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { check, type CheckOptions, type CheckResult } from '../check.js';
import { DatabaseError } from '../errors.js';
import { acquireDeployLock, type HeldLock, type LockAttempt, type LockHolder, type LockIdentity, type LockWait } from './lock.js';

/** What `runUnderLock` needs. */
export interface RunUnderLockOptions {
  /** The check to pass first; its database URL is required (a deploy needs a database). */
  readonly check: CheckOptions & { readonly databaseUrl: string };
  /** The command and its arguments, run without a shell. */
  readonly command: readonly [string, ...string[]];
  /** Default: the gate's own environment, which the command inherits. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default: the gate's working directory. */
  readonly cwd?: string;
  /** Default `schema-gate:<database>:<schema>.<version table>`. */
  readonly lockName?: string;
  /** How long to wait for another deploy's lock. */
  readonly lockTimeoutMs: number;
  /** Signals from outside (the CLI's SIGTERM and SIGINT): forwarded to the command while it runs. */
  readonly signals?: SignalSource;
  /** Progress, for the CLI to print; the library never prints. */
  readonly onEvent?: (event: RunEvent) => void;
}

/** Something that delivers signals to a listener until unsubscribed. */
export interface SignalSource {
  subscribe(listener: (signal: NodeJS.Signals) => void): () => void;
}

/** Progress of a run, in order. */
export type RunEvent =
  | ({ readonly kind: 'lock-waiting' } & LockWait)
  | { readonly kind: 'lock-acquired'; readonly lock: LockIdentity; readonly waitedMs: number }
  | { readonly kind: 'checked'; readonly result: CheckResult }
  | { readonly kind: 'command-started'; readonly pid: number | undefined; readonly command: readonly string[] }
  | { readonly kind: 'signal-forwarded'; readonly signal: NodeJS.Signals; readonly pid: number | undefined }
  | { readonly kind: 'lock-lost'; readonly lock: LockIdentity; readonly reason: string }
  | { readonly kind: 'lock-released'; readonly lock: LockIdentity };

/** How a run ended. The CLI turns each into an exit code. */
export type RunOutcome =
  /** Another session held the lock for the whole wait. */
  | { readonly kind: 'lock-timeout'; readonly lock: LockIdentity; readonly holders: readonly LockHolder[]; readonly waitedMs: number }
  /** The check found the migration unsafe: the command was not run. */
  | { readonly kind: 'check-failed'; readonly result: CheckResult }
  /** A signal arrived before the command started: nothing was run. */
  | { readonly kind: 'interrupted'; readonly signal: NodeJS.Signals }
  /** The command could not be started (not found, not executable). */
  | { readonly kind: 'command-not-started'; readonly command: string; readonly errorCode: string | undefined; readonly message: string }
  /** The command ran; `exitCode` is null when a signal ended it. */
  | { readonly kind: 'command-exited'; readonly exitCode: number | null; readonly signal: NodeJS.Signals | null };

/**
 * The exit status a shell would report for a command's end: its code, or 128 + the signal's number
 * when a signal killed it (143 for SIGTERM).
 */
export function shellExitStatus(exitCode: number | null, signal: NodeJS.Signals | null): number {
  if (exitCode !== null) return exitCode;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/**
 * Takes the deploy lock, checks, runs the command if the check passes, and releases the lock when
 * the command ends — on every path, errors included. Throws what `check` throws (InputError,
 * DatabaseError) and DatabaseError when the lock's connection fails.
 */
export async function runUnderLock(options: RunUnderLockOptions): Promise<RunOutcome> {
  const emit = options.onEvent ?? (() => undefined);
  const interrupt = new AbortController();
  let received: NodeJS.Signals | undefined;
  let forward: ((signal: NodeJS.Signals) => void) | undefined;
  // Subscribed before anything waits, so that a stop during the lock wait or the check is not lost.
  const unsubscribe = options.signals?.subscribe((signal) => {
    if (forward) return forward(signal);
    received ??= signal;
    interrupt.abort();
  });
  let lock: HeldLock | undefined;
  let lockLost = false;
  try {
    let attempt: LockAttempt;
    try {
      attempt = await acquireDeployLock(options.check.databaseUrl, {
        ...(options.lockName !== undefined ? { name: options.lockName } : {}),
        ...(options.check.versionTable ? { versionTable: options.check.versionTable } : {}),
        ...(options.check.connection ? { connection: options.check.connection } : {}),
        timeoutMs: options.lockTimeoutMs,
        signal: interrupt.signal,
        onWait: (wait) => emit({ kind: 'lock-waiting', ...wait }),
      });
    } catch (error) {
      // Stopped while still retrying the connection: the stop, not the unreachable database, is the outcome.
      if (received && error instanceof DatabaseError) return { kind: 'interrupted', signal: received };
      throw error;
    }
    if (!attempt.acquired) {
      return attempt.reason === 'aborted' && received
        ? { kind: 'interrupted', signal: received }
        : { kind: 'lock-timeout', lock: attempt.lock, holders: attempt.holders, waitedMs: attempt.waitedMs };
    }
    const held = attempt.lock;
    lock = held;
    emit({ kind: 'lock-acquired', lock: { name: held.name, key: held.key }, waitedMs: held.waitedMs });
    void held.lost.then((reason) => {
      lockLost = true;
      emit({ kind: 'lock-lost', lock: { name: held.name, key: held.key }, reason });
    });

    const result = await check(options.check);
    emit({ kind: 'checked', result });
    if (received) return { kind: 'interrupted', signal: received };
    if (!result.ok) return { kind: 'check-failed', result };

    return await runGuardedCommand(options, emit, (deliver) => {
      forward = deliver;
    });
  } finally {
    unsubscribe?.();
    if (lock) {
      await lock.release();
      if (!lockLost) emit({ kind: 'lock-released', lock: { name: lock.name, key: lock.key } });
    }
  }
}

/** Spawns the command with inherited stdio and waits for it, forwarding signals while it runs. */
function runGuardedCommand(
  options: RunUnderLockOptions,
  emit: (event: RunEvent) => void,
  setForwarder: (deliver: (signal: NodeJS.Signals) => void) => void,
): Promise<RunOutcome> {
  const [file, ...args] = options.command;
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit', env: options.env ?? process.env, ...(options.cwd ? { cwd: options.cwd } : {}) });
    let started = false;
    child.once('spawn', () => {
      started = true;
      emit({ kind: 'command-started', pid: child.pid, command: options.command });
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Before 'spawn' this is a failure to start; after it (a failed kill) the 'exit' still comes.
      if (!started) resolve({ kind: 'command-not-started', command: file, errorCode: error.code, message: error.message });
    });
    child.once('exit', (exitCode, signal) => resolve({ kind: 'command-exited', exitCode, signal }));
    setForwarder((signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      emit({ kind: 'signal-forwarded', signal, pid: child.pid });
      child.kill(signal);
    });
  });
}
