import { describe, expect, it } from '@jest/globals';
import { PhaseTimings, ProgressLine, progressWanted, type Clock } from '../../src/cli/progress.js';

/** A clock that moves only when told to, running the timers that fall due. */
class FakeClock implements Clock {
  private time = 0;
  private timers: { at: number; callback: () => void; handle: number }[] = [];
  private nextHandle = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.push({ at: this.time + ms, callback, handle });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.handle !== handle);
  }
  advance(ms: number): void {
    this.time += ms;
    for (const timer of this.timers.filter((t) => t.at <= this.time)) {
      this.clearTimeout(timer.handle);
      timer.callback();
    }
  }
}

/** A terminal that keeps what was written, and can say what it shows. */
class FakeStream {
  written = '';
  constructor(readonly columns?: number) {}
  write(text: string): boolean {
    this.written += text;
    return true;
  }
  /** The screen's last line, as a terminal would show it after CR and erase-line. */
  get visible(): string {
    const lastLine = this.written.split('\n').pop() ?? '';
    return lastLine.split('\r\x1b[2K').pop() ?? '';
  }
}

describe('the progress line', () => {
  it('shows nothing for a phase that ends within the delay', () => {
    const stream = new FakeStream();
    const clock = new FakeClock();
    const line = new ProgressLine(stream, clock, 200);
    line.update('reading the migration history');
    clock.advance(150);
    line.update('reading the database catalog');
    clock.advance(150);
    line.stop();
    clock.advance(1000);
    expect(stream.written).toBe('');
  });

  it('appears after the delay, is overwritten in place by the next phase, and is erased at the end', () => {
    const stream = new FakeStream();
    const clock = new FakeClock();
    const line = new ProgressLine(stream, clock, 200);
    line.update('connecting to the database');
    clock.advance(199);
    expect(stream.written).toBe('');
    clock.advance(1);
    expect(stream.written).toBe('\r\x1b[2Kschema-gate: connecting to the database…');
    line.update('reading the database catalog');
    expect(stream.visible).toBe('schema-gate: reading the database catalog…');
    expect(stream.written).not.toContain('\n');
    line.stop();
    expect(stream.visible).toBe('');
    expect(stream.written.endsWith('\r\x1b[2K')).toBe(true);
    line.update('too late');
    clock.advance(1000);
    expect(stream.visible).toBe('');
  });

  it('lifts itself out of the way of lasting lines', () => {
    const stream = new FakeStream();
    const clock = new FakeClock();
    const line = new ProgressLine(stream, clock, 200);
    line.log('schema-gate: before\n');
    line.update('connecting to the database');
    clock.advance(300);
    line.log('schema-gate: connection refused; retrying\n');
    expect(stream.written.split('\n').map((row) => row.split('\r\x1b[2K').pop())).toEqual([
      'schema-gate: before',
      'schema-gate: connection refused; retrying',
      'schema-gate: connecting to the database…',
    ]);
  });

  it('fits the terminal width, so that it never wraps', () => {
    const stream = new FakeStream(20);
    const clock = new FakeClock();
    const line = new ProgressLine(stream, clock, 0);
    line.update('reading and simulating the pending upgrades');
    clock.advance(0);
    expect(stream.visible.length).toBeLessThan(20);
    expect(stream.visible).toBe('schema-gate: readi…');
  });
});

describe('when the progress line is shown', () => {
  const tty = { isTTY: true };
  it.each([
    ['a terminal, text format', tty, 'text', false, {}, true],
    ['stderr not a terminal', { isTTY: false }, 'text', false, {}, false],
    ['in CI', tty, 'text', false, { CI: 'true' }, false],
    ['CI=false', tty, 'text', false, { CI: 'false' }, true],
    ['a machine format', tty, 'json', false, {}, false],
    ['SARIF', tty, 'sarif', false, {}, false],
    ['--quiet', tty, 'text', true, {}, false],
    ['a dumb terminal', tty, 'text', false, { TERM: 'dumb' }, false],
  ])('%s', (_name, stream, format, quiet, env, expected) => {
    expect(progressWanted(stream, { format, quiet }, env)).toBe(expected);
  });
});

describe('phase timings', () => {
  it('attribute the time between phases to the earlier one', () => {
    const clock = new FakeClock();
    const timings = new PhaseTimings(clock);
    clock.advance(5);
    timings.mark('reading-migrations');
    clock.advance(120);
    timings.mark('simulating');
    clock.advance(30);
    expect(timings.describe()).toBe('reading the migration history 120 ms, reading and simulating the pending upgrades 30 ms; 155 ms in all');
  });
});
