import { beforeAll, describe, expect, it } from '@jest/globals';
import { analyzeUpgrade } from '../../../src/migrations/alembic/upgrade-effects.js';
import { loadSqlParser, sqlCatalogQuery, sqlEffects } from '../../../src/migrations/sql/parse-sql.js';
import { revision, summary } from './support.js';

beforeAll(loadSqlParser);

/** With the real SQL analysers: the query text must be parsed for real to be recognised. */
const analyze = (source: string) => analyzeUpgrade(source, 'versions/rev.py', { sqlEffects, sqlCatalogQuery, sqlalchemyVersion: '1.4.46' });

describe('a catalog query read in Python guards the statements it decides', () => {
  it.each([
    ['exists = bind.execute(sa.text("SELECT EXISTS (SELECT 1 FROM pg_type WHERE typname = \'st\')")).scalar()\n    if not exists:'],
    ['if not bind.execute(sa.text("SELECT 1 FROM pg_type WHERE typname = \'st\'")).fetchone():'],
    ['if not bind.scalar(sa.text("SELECT count(*) FROM pg_type WHERE typname = \'st\'")):'],
  ])('%s', (condition) => {
    const { effects } = analyze(revision(`def upgrade():\n    bind = op.get_bind()\n    ${condition}\n        op.execute("CREATE TYPE st AS ENUM ('a')")`));
    const create = effects.find((effect) => effect.kind === 'create-enum');
    expect(create).toMatchObject({ guard: { kind: 'existence-check', source: 'catalog-query', schemaAware: false } });
    expect(summary(effects)).not.toContain('unknown');
  });

  it('a query that names the schema is schema-aware', () => {
    const { effects } = analyze(
      revision(
        'def upgrade():\n    bind = op.get_bind()\n    if not bind.execute(sa.text("SELECT 1 FROM pg_type WHERE typname = \'st\' AND typnamespace = \'public\'::regnamespace")).first():\n        op.execute("CREATE TYPE st AS ENUM (\'a\')")',
      ),
    );
    expect(effects.find((effect) => effect.kind === 'create-enum')).toMatchObject({ guard: { kind: 'existence-check', schemaAware: true } });
  });

  it('a query read as a whole result, or another query, decides nothing (the near-twin)', () => {
    const { effects } = analyze(
      revision('def upgrade():\n    bind = op.get_bind()\n    if bind.execute(sa.text("SELECT 1 FROM accounts")).fetchone():\n        op.execute("CREATE TYPE st AS ENUM (\'a\')")'),
    );
    expect(effects.find((effect) => effect.kind === 'create-enum')).toMatchObject({ guard: { kind: 'none' }, conditions: [expect.objectContaining({ kind: 'opaque' })] });
  });
});
