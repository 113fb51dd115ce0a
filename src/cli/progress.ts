import type { CheckPhase } from '../check.js';

/** What a progress line is shown on: a terminal's stream, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  /** The terminal's width; a longer line would wrap and could not be overwritten in place. */
  readonly columns?: number | undefined;
}

/** Time and timers, injected so that the progress line is tested without waiting. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending redraw must never keep the process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How long a phase runs before the line appears: quick checks print nothing transient at all. */
export const PROGRESS_DELAY_MS = 200;

/** What the line says during each phase of a check. */
export const PHASE_LABELS: Readonly<Record<CheckPhase, string>> = {
  'reading-migrations': 'reading the migration history',
  connecting: 'connecting to the database',
  introspecting: 'reading the database catalog',
  simulating: 'reading and simulating the pending upgrades',
};

/** Moves to the start of the line and erases it (CR, then ANSI "erase in line"). */
const CLEAR_LINE = '\r\x1b[2K';

/**
 * One transient status line, overwritten in place. A label shows only once it has been current
 * for `delayMs`; while shown, each new label replaces it at once; `stop` erases it. Lines that must
 * stay (notes, warnings) go through `log`, which lifts the status line out of their way.
 */
export class ProgressLine {
  private label: string | undefined;
  private shown = false;
  private timer: unknown;
  private stopped = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly clock: Clock = SYSTEM_CLOCK,
    private readonly delayMs: number = PROGRESS_DELAY_MS,
  ) {}

  /** The current phase's label. */
  update(label: string): void {
    if (this.stopped) return;
    this.label = label;
    if (this.shown) {
      this.render();
      return;
    }
    // Each new phase gets its own moment: a run of quick phases never shows a line.
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, this.delayMs);
  }

  /** Writes a lasting line (ending in a newline) without tearing the status line. */
  log(line: string): void {
    if (this.shown) this.stream.write(CLEAR_LINE);
    this.stream.write(line);
    if (this.shown) this.render();
  }

  /** Erases the line, for good. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.shown) this.stream.write(CLEAR_LINE);
    this.shown = false;
  }

  private render(): void {
    if (this.stopped || this.label === undefined) return;
    const text = `schema-gate: ${this.label}…`;
    const width = this.stream.columns;
    // One column short of the width: a line that fills it wraps on some terminals.
    const fitted = width !== undefined && width > 1 && text.length >= width ? `${text.slice(0, width - 2)}…` : text;
    this.stream.write(`${CLEAR_LINE}${fitted}`);
    this.shown = true;
  }
}

/**
 * Whether a progress line may be shown: on a terminal only, never in CI (`CI` set), never with a
 * machine format on stdout, never under --quiet, and not on a terminal that cannot erase a line.
 */
export function progressWanted(stream: { readonly isTTY?: boolean }, options: { format: string; quiet: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
  return Boolean(stream.isTTY) && !inCi && env['TERM'] !== 'dumb' && options.format === 'text' && !options.quiet;
}

/** How long each phase took, in the order they ran, for --verbose. */
export class PhaseTimings {
  private readonly phases: { phase: CheckPhase; start: number }[] = [];
  private readonly started: number;

  constructor(private readonly clock: Pick<Clock, 'now'> = SYSTEM_CLOCK) {
    this.started = clock.now();
  }

  mark(phase: CheckPhase): void {
    this.phases.push({ phase, start: this.clock.now() });
  }

  /** `reading the migration history 120 ms, …; 250 ms in all`, ending now. */
  describe(): string {
    const end = this.clock.now();
    const parts = this.phases.map(({ phase, start }, index) => `${PHASE_LABELS[phase]} ${Math.round((this.phases[index + 1]?.start ?? end) - start)} ms`);
    return `${parts.length > 0 ? `${parts.join(', ')}; ` : ''}${Math.round(end - this.started)} ms in all`;
  }
}

/**
 * What a check shows while it runs: the transient line (when wanted) and the timings (for
 * --verbose). `onProgress` goes into the check's options; `finish` erases the line.
 */
export interface CheckProgress {
  readonly onProgress: (phase: CheckPhase) => void;
  /** Writes a lasting line on stderr. */
  readonly note: (line: string) => void;
  readonly timings: PhaseTimings;
  finish(): void;
}

export function checkProgress(options: { format: string; quiet: boolean }, stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): CheckProgress {
  const line = progressWanted(stream, options, env) ? new ProgressLine(stream) : undefined;
  const timings = new PhaseTimings();
  return {
    onProgress: (phase) => {
      timings.mark(phase);
      line?.update(PHASE_LABELS[phase]);
    },
    note: (text) => (line ? line.log(`schema-gate: ${text}\n`) : stream.write(`schema-gate: ${text}\n`)),
    timings,
    finish: () => line?.stop(),
  };
}
