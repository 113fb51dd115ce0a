import { describe, expect, it } from '@jest/globals';
import { commandEnvironment } from '../../src/cli/commands/run.js';
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

describe('commandEnvironment (run --database-url)', () => {
  it('gives the command the checked URL as DATABASE_URL, spelt postgresql:// as SQLAlchemy needs', () => {
    expect(commandEnvironment('postgres://app:pw@db:5432/app', { PATH: '/bin', DATABASE_URL: 'postgres://other@elsewhere/x' }).env).toEqual({ PATH: '/bin', DATABASE_URL: 'postgresql://app:pw@db:5432/app' });
    expect(commandEnvironment('postgresql://app@db/app', {}).env).toEqual({ DATABASE_URL: 'postgresql://app@db/app' });
  });

  it('leaves the environment alone when its DATABASE_URL already names that database, in either spelling', () => {
    expect(commandEnvironment('postgres://app:pw@db:5432/app', { DATABASE_URL: 'postgresql://app:pw@db:5432/app' })).toEqual({});
  });
});

