import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { readErrorReason } from '../../../src/errors.js';
import { formatConfigProblem, parseAlembicIni, readAlembicIni } from '../../../src/migrations/alembic/ini.js';
import { InputError } from '../../../src/errors.js';

const FILE = '/project/alembic.ini';

function parse(text: string, options: { section?: string; cwd?: string } = {}): ReturnType<typeof parseAlembicIni> {
  return parseAlembicIni(text, FILE, { cwd: '/work', ...options });
}

describe('parseAlembicIni', () => {
  it('expands %(here)s and defaults the versions directory to <script_location>/versions', () => {
    const { config, problems } = parse('[alembic]\nscript_location = %(here)s/migrations\n');
    expect(problems).toEqual([]);
    expect(config).toEqual({
      file: FILE,
      section: 'alembic',
      scriptLocation: '/project/migrations',
      versionLocations: ['/project/migrations/versions'],
      versionLocationsDeclared: false,
      recursiveVersionLocations: false,
      sourceless: false,
    });
  });

  it('resolves relative paths against the directory Alembic runs in, not the file', () => {
    expect(parse('[alembic]\nscript_location = migrations\n').config?.scriptLocation).toBe('/work/migrations');
  });

  it('splits version_locations on each separator Alembic knows', () => {
    const cases: [string, string][] = [
      ['os', `%(here)s/a${delimiter}%(here)s/b`],
      ['space', '%(here)s/a %(here)s/b'],
      [':', '%(here)s/a:%(here)s/b'],
      [';', '%(here)s/a;%(here)s/b'],
      ['newline', '\n    %(here)s/a\n    %(here)s/b'],
    ];
    for (const [separator, locations] of cases) {
      const { config, problems } = parse(`[alembic]\nscript_location = %(here)s/m\npath_separator = ${separator}\nversion_locations = ${locations}\n`);
      expect(problems).toEqual([]);
      expect(config?.versionLocations).toEqual(['/project/a', '/project/b']);
      expect(config?.versionLocationsDeclared).toBe(true);
    }
  });

  it('splits on commas and spaces without a separator option, and honours the older option name', () => {
    expect(parse('[alembic]\nscript_location = m\nversion_locations = %(here)s/a, %(here)s/b %(here)s/c\n').config?.versionLocations).toEqual(['/project/a', '/project/b', '/project/c']);
    expect(parse('[alembic]\nscript_location = m\nversion_path_separator = ;\nversion_locations = %(here)s/a b;%(here)s/c\n').config?.versionLocations).toEqual(['/project/a b', '/project/c']);
  });

  it('reads the flags only when spelled exactly "true", as Alembic does', () => {
    expect(parse('[alembic]\nscript_location = m\nrecursive_version_locations = true\nsourceless = true\n').config).toMatchObject({ recursiveVersionLocations: true, sourceless: true });
    expect(parse('[alembic]\nscript_location = m\nrecursive_version_locations = True\nsourceless = yes\n').config).toMatchObject({ recursiveVersionLocations: false, sourceless: false });
  });

  it('reads another section, with DEFAULT values and comments', () => {
    const text = '[DEFAULT]\nroot = %(here)s/services\n\n[alembic]\nscript_location = wrong\n\n# audit service\n[audit]\n; the scripts\nscript_location = %(root)s/audit\n';
    expect(parse(text, { section: 'audit' }).config?.scriptLocation).toBe('/project/services/audit');
  });

  it('names the file and line of each problem', () => {
    const { problems } = parse('[alembic]\nscript_location = m\nscript_location = n\npath_separator = comma\nversion_locations = a,b\nbroken line\n');
    expect(problems.map(formatConfigProblem)).toEqual([
      '/project/alembic.ini:3: option script_location appears twice in its section (first on line 2)',
      '/project/alembic.ini:6: cannot read "broken line": expected "name = value"',
      "/project/alembic.ini:4: 'comma' is not a valid path separator; expected 'space', 'newline', 'os', ':', ';'",
    ]);
  });

  it('reads the separator only to split version_locations, as Alembic does: the file `alembic init` writes is accepted', () => {
    // Alembic 1.8's template: the inline comment is part of the value, which Alembic never reads without version_locations.
    const stock = '[alembic]\nscript_location = %(here)s/alembic\nprepend_sys_path = .\nversion_path_separator = os  # Use os.pathsep. Default configuration used for new projects.\n';
    expect(parse(stock)).toEqual({ config: expect.objectContaining({ versionLocations: ['/project/alembic/versions'] }), problems: [] });
    // With version_locations, Alembic refuses that value; the message says why.
    expect(parse(`${stock}version_locations = %(here)s/a\n`).problems.map(formatConfigProblem)).toEqual([
      "/project/alembic.ini:4: 'os  # Use os.pathsep. Default configuration used for new projects.' is not a valid path separator; expected 'space', 'newline', 'os', ':', ';' (an ini value runs to the end of its line: move the comment to a line of its own)",
    ]);
  });

  it('reports a missing section, a missing script_location, a bad reference and a package resource', () => {
    expect(parse('[other]\nx = 1\n').problems.map(formatConfigProblem)).toEqual(['/project/alembic.ini: no [alembic] section']);
    expect(parse('\n[alembic]\nsqlalchemy.url = x\n').problems.map(formatConfigProblem)).toEqual(['/project/alembic.ini:2: no script_location option in section [alembic]']);
    expect(parse('[alembic]\nscript_location = %(nowhere)s/m\n').problems.map(formatConfigProblem)).toEqual(['/project/alembic.ini:2: option script_location: %(nowhere)s names no option of section [alembic] or [DEFAULT]']);
    expect(parse('[alembic]\nscript_location = myapp:migrations\n').problems.map(formatConfigProblem)).toEqual([
      '/project/alembic.ini:2: script_location: myapp:migrations is a Python package resource (package:path), which cannot be resolved without importing the package',
    ]);
  });

  it('reads %% as a percent sign', () => {
    expect(parse('[alembic]\nscript_location = %(here)s/100%%\n').config?.scriptLocation).toBe('/project/100%');
  });
});

describe('readAlembicIni', () => {
  it('throws an InputError that names the file when it cannot be read', () => {
    expect(() => readAlembicIni('/nonexistent/alembic.ini')).toThrow(InputError);
    expect(() => readAlembicIni('/nonexistent/alembic.ini')).toThrow(/^\/nonexistent\/alembic\.ini: cannot read the Alembic configuration: no such file$/);
  });

  it('says why in words when the path is a directory', () => {
    const directory = mkdtempSync(join(tmpdir(), 'schema-gate-ini-'));
    try {
      expect(() => readAlembicIni(directory)).toThrow(new RegExp(`: cannot read the Alembic configuration: is a directory$`));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('readErrorReason', () => {
  const errnoError = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code });

  it.each([
    ['ENOENT', "ENOENT: no such file or directory, open 'nope.ini'", 'no such file'],
    ['EACCES', "EACCES: permission denied, open 'alembic.ini'", 'permission denied'],
    ['EISDIR', 'EISDIR: illegal operation on a directory, read', 'is a directory'],
    ['EMFILE', "EMFILE: too many open files, open 'alembic.ini'", 'too many open files'],
    ['EIO', 'EIO: i/o error, read', 'i/o error'],
  ])('reads %s as words', (code, message, reason) => {
    expect(readErrorReason(errnoError(code, message))).toBe(reason);
  });

  it('falls back to the message, on one line', () => {
    expect(readErrorReason(new Error('something odd\nmore detail'))).toBe('something odd');
    expect(readErrorReason('plain')).toBe('plain');
  });
});
