import { describe, expect, it } from '@jest/globals';
import { createProgram, repeatedFlag, withFlagSuggestions } from '../../src/cli/program.js';

interface UsageInternals {
  cacheHelpMessage(): void;
  hasCachedHelpMessage(): boolean;
}

describe('createProgram', () => {
  // yargs would render the whole help text after every command starts; a yargs release that moves
  // this method fails here, so the ~25 ms it costs each run is not lost silently.
  it('leaves the help text unrendered until --help asks for it', () => {
    const program = createProgram(['rules']) as unknown as { getInternalMethods(): { getUsageInstance(): UsageInternals } };
    const usage = program.getInternalMethods().getUsageInstance();
    usage.cacheHelpMessage();
    expect(usage.hasCachedHelpMessage()).toBe(false);
  });
});

describe('withFlagSuggestions', () => {
  it('names the nearest flag for each unknown one', () => {
    expect(withFlagSuggestions('Unknown arguments: manifets, alembic_ini', ['manifest', 'alembic-ini', 'strict'])).toBe(
      'Unknown arguments: manifets, alembic_ini (did you mean --manifest for --manifets, --alembic-ini for --alembic_ini?)',
    );
  });

  it('suggests nothing when no flag is close, and leaves other messages alone', () => {
    expect(withFlagSuggestions('Unknown argument: bogus', ['manifest', 'strict'])).toBe('Unknown argument: bogus');
    expect(withFlagSuggestions('Missing required argument: upgrade', ['upgrade'])).toBe('Missing required argument: upgrade');
  });
});

describe('repeatedFlag', () => {
  it('names a one-value flag given twice, with both values', () => {
    expect(repeatedFlag({ _: ['check'], format: ['json', 'text'], f: ['json', 'text'] }, new Set())).toBe('--format is given more than once (json, text): give it once');
  });

  it('accepts flags that take several values, positionals and the command after --', () => {
    expect(repeatedFlag({ _: ['init', 'x'], '--': ['alembic', 'upgrade'], schema: ['a', 'b'], manifest: 'm.json' }, new Set(['schema']))).toBeUndefined();
  });
});

