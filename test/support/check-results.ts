import type { CheckResult } from '../../src/check.js';

/** A failing result with a finding of each kind of location: file and line, object only, file only, neither. */
export const failingResult: CheckResult = {
  ok: false,
  mode: 'offline',
  strict: false,
  summary: { errors: 2, warnings: 1, infos: 1 },
  findings: [
    {
      rule: 'enum-created-twice',
      severity: 'error',
      message: 'revision b2 creates type platformtype, created earlier in this run by revision a1 (alembic/versions/a1.py:23): alembic upgrade fails with 42710',
      object: 'platformtype',
      file: 'alembic/versions/b2_tables.py',
      line: 42,
      hint: "declare the column with postgresql.ENUM(name='platformtype', create_type=False)",
    },
    {
      rule: 'enum-labels-differ',
      severity: 'error',
      message: 'enum platformtype has labels that differ from the manifest: missing "a|b", 100% <new>\nsecond line',
      object: 'platformtype',
      hint: "ALTER TYPE platformtype ADD VALUE 'a|b'",
      details: { missing: ['a|b'] },
    },
    { rule: 'unanalyzable-statement', severity: 'warning', message: 'op.execute(sql) with a value that is not a constant', file: 'alembic/versions/dir, with: odd/c3.py', line: 7, hint: 'use a literal' },
    { rule: 'multiple-heads', severity: 'info', message: 'two heads: a1, b2', hint: 'merge them: alembic merge heads' },
  ],
  manifest: { file: 'schema-manifest.json' },
  database: null,
  migrations: null,
  notes: ['offline: no database URL (--database-url or DATABASE_URL), so the pending migrations are simulated from an empty database'],
};

/** A passing result without findings. */
export const passingResult: CheckResult = { ...failingResult, ok: true, summary: { errors: 0, warnings: 0, infos: 0 }, findings: [] };

/** A repository at /repo whose check ran in /repo/services/api. */
export const SOURCE_ROOT = { root: '/repo', cwd: '/repo/services/api' };
