import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSqlParser } from '../../../src/migrations/sql/parse-sql.js';
import { effectsOf, inPublic, ofKind, onlyOfKind } from './support.js';

beforeAll(loadSqlParser);

/** A DO block around a body. */
const doBlock = (body: string, tag = '$$') => `DO ${tag}\nBEGIN\n${body}\nEND\n${tag};`;
const ifNot = (condition: string, statements: string) => doBlock(`IF NOT EXISTS (${condition}) THEN\n  ${statements}\nEND IF;`);
const createPlatform = "CREATE TYPE platformtype AS ENUM ('meta_ads');";

describe('DO blocks', () => {
  it('translates the statements of the body', () => {
    expect(effectsOf(doBlock(`${createPlatform}\nDROP TYPE old;`)).map((effect) => effect.kind)).toEqual(['create-enum', 'drop-enum']);
  });

  it('reads any dollar-quote tag, a quoted body and LANGUAGE before the body', () => {
    for (const sql of [
      doBlock(createPlatform, '$body$'),
      doBlock(createPlatform, '$Tag_1$'),
      `DO 'BEGIN CREATE TYPE platformtype AS ENUM (''meta_ads''); END'`,
      `DO LANGUAGE plpgsql $$BEGIN ${createPlatform} END$$`,
    ]) {
      expect(onlyOfKind(effectsOf(sql), 'create-enum')).toMatchObject({ name: inPublic('platformtype'), labels: ['meta_ads'] });
    }
  });

  it('reads a body that contains the dollar quotes the wrapper would use', () => {
    const effects = effectsOf(doBlock(`PERFORM '$sg$';\n${createPlatform}`, '$outer$'));
    expect(onlyOfKind(effects, 'create-enum').name).toEqual(inPublic('platformtype'));
  });

  it('reports a DO block in another language as unknown', () => {
    expect(onlyOfKind(effectsOf("DO LANGUAGE plpython3u $$ plpy.execute('CREATE TYPE x AS ENUM ()') $$"), 'unknown').reason).toMatch(/plpython3u/);
  });

  it('reports a body that PL/pgSQL rejects as invalid SQL', () => {
    expect(onlyOfKind(effectsOf(doBlock('CREAT TYPE x AS ENUM ();')), 'invalid-sql').message).toMatch(/syntax error/);
    expect(onlyOfKind(effectsOf(doBlock('undeclared := 1;')), 'invalid-sql').message).toMatch(/not a known variable/);
    expect(ofKind(effectsOf(doBlock('NULL;')), 'invalid-sql')).toEqual([]);
  });
});

describe('IF [NOT] EXISTS lookups of pg_type', () => {
  it('guards a create with a lookup that ignores the schema', () => {
    const effects = effectsOf(ifNot("SELECT 1 FROM pg_type WHERE typname = 'platformtype'", createPlatform));
    expect(effects).toHaveLength(1);
    expect(effects[0]?.guard).toEqual({ kind: 'existence-check', source: 'pg_type', schemaAware: false });
  });

  it('calls the lookup schema aware when it constrains typnamespace', () => {
    const effects = effectsOf(ifNot("SELECT 1 FROM pg_type WHERE typname = 'platformtype' AND typnamespace = 'public'::regnamespace", createPlatform));
    expect(effects[0]?.guard).toEqual({ kind: 'existence-check', source: 'pg_type', schemaAware: true });
  });

  it('calls a join with pg_namespace schema aware only when it filters nspname', () => {
    const join = 'SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace';
    expect(effectsOf(ifNot(`${join} WHERE t.typname = 'platformtype' AND n.nspname = 'public'`, createPlatform))[0]?.guard).toEqual({
      kind: 'existence-check',
      source: 'pg_type',
      schemaAware: true,
    });
    expect(effectsOf(ifNot(`${join} WHERE t.typname = 'platformtype'`, createPlatform))[0]?.guard).toEqual({ kind: 'existence-check', source: 'pg_type', schemaAware: false });
    expect(effectsOf(ifNot(`${join} WHERE t.typname = 'platformtype' AND n.nspname = current_schema()`, createPlatform))[0]?.guard).toMatchObject({ schemaAware: true });
  });

  it('does not guard a create with a lookup of another name, and says so', () => {
    const effects = effectsOf(ifNot("SELECT 1 FROM pg_type WHERE typname = 'platform_type'", createPlatform));
    expect(effects.map((effect) => effect.kind)).toEqual(['unknown', 'create-enum']);
    expect(effects[1]?.guard).toEqual({ kind: 'none' });
    expect(ofKind(effects, 'unknown')[0]?.reason).toMatch(/platform_type/);
    expect(effects[0]?.location.line).toBe(3);
  });

  it('does not guard a create with a lookup of the same name in another schema', () => {
    const effects = effectsOf(ifNot("SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'platformtype' AND n.nspname = 'analytics'", createPlatform));
    expect(onlyOfKind(effects, 'create-enum').guard).toEqual({ kind: 'none' });
  });

  it('does not guard a create that runs when the type exists', () => {
    const effects = effectsOf(doBlock(`IF EXISTS (SELECT 1 FROM pg_type WHERE typname = 'platformtype') THEN\n  ${createPlatform}\nEND IF;`));
    expect(onlyOfKind(effects, 'create-enum').guard).toEqual({ kind: 'none' });
  });

  it('guards an ALTER in IF EXISTS and in the ELSE of IF NOT EXISTS', () => {
    const lookup = "SELECT 1 FROM pg_type WHERE typname = 'platformtype'";
    const inIf = effectsOf(doBlock(`IF EXISTS (${lookup}) THEN\n  ALTER TYPE platformtype ADD VALUE 'x';\nEND IF;`));
    expect(onlyOfKind(inIf, 'add-enum-value').guard).toEqual({ kind: 'existence-check', source: 'pg_type', schemaAware: false });
    const inElse = effectsOf(doBlock(`IF NOT EXISTS (${lookup}) THEN\n  ${createPlatform}\nELSE\n  ALTER TYPE platformtype ADD VALUE 'x';\nEND IF;`));
    expect(inElse.map((effect) => [effect.kind, effect.guard.kind])).toEqual([
      ['create-enum', 'existence-check'],
      ['add-enum-value', 'existence-check'],
    ]);
  });

  it('understands to_regtype(…) IS NULL as a schema-aware lookup', () => {
    expect(onlyOfKind(effectsOf(doBlock(`IF to_regtype('public.platformtype') IS NULL THEN\n  ${createPlatform}\nEND IF;`)), 'create-enum').guard).toEqual({
      kind: 'existence-check',
      source: 'to_regtype',
      schemaAware: true,
    });
    const effects = effectsOf(doBlock(`IF to_regtype('platformtype') IS NOT NULL THEN\n  ${createPlatform}\nEND IF;`));
    expect(onlyOfKind(effects, 'create-enum').guard).toEqual({ kind: 'none' });
  });

  it('understands (SELECT count(*) …) = 0', () => {
    const effects = effectsOf(doBlock(`IF (SELECT count(*) FROM pg_type WHERE typname = 'platformtype') = 0 THEN\n  ${createPlatform}\nEND IF;`));
    expect(onlyOfKind(effects, 'create-enum').guard).toMatchObject({ kind: 'existence-check', source: 'pg_type' });
  });

  it('reports a condition that is no lookup, and leaves the statement unguarded', () => {
    const effects = effectsOf(doBlock(`IF current_setting('app.create') = 'yes' THEN\n  ${createPlatform}\nEND IF;`));
    expect(effects.map((effect) => [effect.kind, effect.guard.kind])).toEqual([
      ['unknown', 'none'],
      ['create-enum', 'none'],
    ]);
    expect(ofKind(effects, 'unknown')[0]?.reason).toMatch(/not a catalog lookup/);
  });

  it('reports a lookup that compares with a variable as no lookup', () => {
    const effects = effectsOf(`DO $$\nDECLARE name text := 'platformtype';\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = name) THEN\n    ${createPlatform}\n  END IF;\nEND $$`);
    expect(onlyOfKind(effects, 'create-enum').guard).toEqual({ kind: 'none' });
    expect(ofKind(effects, 'unknown')).toHaveLength(1);
  });
});

describe('IF [NOT] EXISTS lookups of labels, tables and columns', () => {
  it('guards ADD VALUE with a pg_enum lookup of that label of that type', () => {
    const effects = effectsOf(ifNot("SELECT 1 FROM pg_enum WHERE enumlabel = 'x' AND enumtypid = 'platformtype'::regtype", "ALTER TYPE platformtype ADD VALUE 'x';"));
    expect(onlyOfKind(effects, 'add-enum-value').guard).toEqual({ kind: 'existence-check', source: 'pg_enum', schemaAware: true });
  });

  it('guards ADD VALUE with a pg_enum lookup joined with pg_type by name', () => {
    const effects = effectsOf(ifNot("SELECT 1 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'platformtype' AND e.enumlabel = 'x'", "ALTER TYPE platformtype ADD VALUE 'x';"));
    expect(onlyOfKind(effects, 'add-enum-value').guard).toEqual({ kind: 'existence-check', source: 'pg_enum', schemaAware: false });
  });

  it('does not guard ADD VALUE with a lookup of another label or of another type', () => {
    for (const condition of [
      "SELECT 1 FROM pg_enum WHERE enumlabel = 'y' AND enumtypid = 'platformtype'::regtype",
      "SELECT 1 FROM pg_enum WHERE enumlabel = 'x' AND enumtypid = 'othertype'::regtype",
    ]) {
      expect(onlyOfKind(effectsOf(ifNot(condition, "ALTER TYPE platformtype ADD VALUE 'x';")), 'add-enum-value').guard).toEqual({ kind: 'none' });
    }
  });

  it('guards CREATE TABLE with pg_class, pg_tables or information_schema.tables lookups of it', () => {
    const create = 'CREATE TABLE points (id int);';
    const cases: [string, string, boolean][] = [
      ["SELECT 1 FROM pg_class WHERE relname = 'points'", 'pg_class', false],
      ["SELECT 1 FROM pg_tables WHERE tablename = 'points' AND schemaname = 'public'", 'pg_tables', true],
      ["SELECT 1 FROM information_schema.tables WHERE table_name = 'points'", 'information_schema.tables', false],
    ];
    for (const [condition, source, schemaAware] of cases) {
      expect(onlyOfKind(effectsOf(ifNot(condition, create)), 'create-table').guard).toEqual({ kind: 'existence-check', source, schemaAware });
    }
    expect(onlyOfKind(effectsOf(ifNot("SELECT 1 FROM pg_class WHERE relname = 'other'", create)), 'create-table').guard).toEqual({ kind: 'none' });
    // A user table called "tables" is no catalog.
    expect(onlyOfKind(effectsOf(ifNot("SELECT 1 FROM tables WHERE table_name = 'points'", create)), 'create-table').guard).toEqual({ kind: 'none' });
  });

  it('guards ADD COLUMN with an information_schema.columns lookup of that column', () => {
    const add = 'ALTER TABLE points ADD COLUMN platform platformtype;';
    const lookup = (column: string) => `SELECT 1 FROM information_schema.columns WHERE table_name = 'points' AND column_name = '${column}'`;
    expect(onlyOfKind(effectsOf(ifNot(lookup('platform'), add)), 'add-column').guard).toEqual({ kind: 'existence-check', source: 'information_schema.columns', schemaAware: false });
    expect(onlyOfKind(effectsOf(ifNot(lookup('other'), add)), 'add-column').guard).toEqual({ kind: 'none' });
  });
});

describe('EXCEPTION handlers', () => {
  const guarded = (handler: string, statement = createPlatform) => effectsOf(doBlock(`BEGIN\n  ${statement}\nEXCEPTION\n  ${handler}\nEND;`));

  it('guards the statements of a block whose handler swallows duplicate_object', () => {
    expect(onlyOfKind(guarded('WHEN duplicate_object THEN null;'), 'create-enum').guard).toEqual({ kind: 'exception-handler', conditions: ['duplicate_object'] });
  });

  it('names SQLSTATE codes and lists every swallowed condition, others too', () => {
    expect(onlyOfKind(guarded("WHEN SQLSTATE '42710' OR duplicate_table THEN null; WHEN others THEN RAISE NOTICE 'skipped';"), 'create-enum').guard).toEqual({
      kind: 'exception-handler',
      conditions: ['duplicate_object', 'duplicate_table', 'others'],
    });
  });

  it('does not guard with a handler that raises again', () => {
    expect(onlyOfKind(guarded('WHEN duplicate_object THEN RAISE;'), 'create-enum').guard).toEqual({ kind: 'none' });
    expect(onlyOfKind(guarded("WHEN others THEN RAISE EXCEPTION 'failed: %', SQLERRM;"), 'create-enum').guard).toEqual({ kind: 'none' });
  });

  it('does not guard statements after the block', () => {
    const effects = effectsOf(doBlock(`BEGIN\n  ${createPlatform}\nEXCEPTION WHEN duplicate_object THEN null;\nEND;\nDROP TYPE old;`));
    expect(effects.map((effect) => [effect.kind, effect.guard.kind])).toEqual([
      ['create-enum', 'exception-handler'],
      ['drop-enum', 'none'],
    ]);
  });

  it('reports statements of a handler as conditional', () => {
    const effects = guarded("WHEN duplicate_object THEN ALTER TYPE platformtype ADD VALUE 'x';");
    expect(effects.map((effect) => effect.kind)).toEqual(['create-enum', 'unknown', 'add-enum-value']);
    expect(ofKind(effects, 'unknown')[0]?.reason).toMatch(/exception handler/);
  });

  it('takes the innermost guard in nested blocks', () => {
    const sql = doBlock(
      [
        'BEGIN',
        '  BEGIN',
        "    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'platformtype') THEN",
        `      ${createPlatform}`,
        '    END IF;',
        "    CREATE TYPE other AS ENUM ('a');",
        '  EXCEPTION WHEN unique_violation THEN null;',
        '  END;',
        "  CREATE TYPE third AS ENUM ('a');",
        'EXCEPTION WHEN duplicate_object THEN null;',
        'END;',
      ].join('\n'),
    );
    expect(effectsOf(sql).map((effect) => [effect.kind, effect.guard])).toEqual([
      ['create-enum', { kind: 'existence-check', source: 'pg_type', schemaAware: false }],
      ['create-enum', { kind: 'exception-handler', conditions: ['unique_violation'] }],
      ['create-enum', { kind: 'exception-handler', conditions: ['duplicate_object'] }],
    ]);
  });
});

describe('EXECUTE', () => {
  it('translates EXECUTE of a constant, also one built from constants', () => {
    expect(onlyOfKind(effectsOf(doBlock("EXECUTE 'CREATE TYPE platformtype AS ENUM (''meta_ads'')';")), 'create-enum').labels).toEqual(['meta_ads']);
    expect(onlyOfKind(effectsOf(doBlock("EXECUTE 'CREATE TYPE ' || 'platformtype AS ENUM ()';")), 'create-enum').name).toEqual(inPublic('platformtype'));
  });

  it('keeps the guard of the enclosing block for executed SQL', () => {
    const effects = effectsOf(doBlock("BEGIN\n  EXECUTE 'CREATE TYPE platformtype AS ENUM ()';\nEXCEPTION WHEN duplicate_object THEN null;\nEND;"));
    expect(onlyOfKind(effects, 'create-enum').guard).toEqual({ kind: 'exception-handler', conditions: ['duplicate_object'] });
  });

  it('reports EXECUTE of SQL built at run time as unknown, with its line', () => {
    const effects = effectsOf(doBlock("NULL;\nEXECUTE format('CREATE TYPE %I AS ENUM ()', 'platformtype');"));
    expect(onlyOfKind(effects, 'unknown')).toMatchObject({ reason: expect.stringMatching(/format/), location: { line: 4 } });
  });

  it('reports executed SQL that PostgreSQL rejects as invalid', () => {
    expect(onlyOfKind(effectsOf(doBlock("EXECUTE 'CREATE TYPO x';")), 'invalid-sql').message).toMatch(/syntax error/);
  });

  it('follows a DO block inside EXECUTE inside a DO block', () => {
    const sql = doBlock("EXECUTE 'DO $inner$ BEGIN CREATE TYPE platformtype AS ENUM (); EXCEPTION WHEN duplicate_object THEN null; END $inner$';");
    expect(onlyOfKind(effectsOf(sql), 'create-enum').guard).toEqual({ kind: 'exception-handler', conditions: ['duplicate_object'] });
  });
});

describe('other PL/pgSQL statements', () => {
  it('reports loops and CASE branches as conditional', () => {
    const loop = effectsOf(doBlock("FOR i IN 1..2 LOOP\n  ALTER TYPE platformtype ADD VALUE 'x';\nEND LOOP;"));
    expect(loop.map((effect) => effect.kind)).toEqual(['unknown', 'add-enum-value']);
    const caseStatement = effectsOf(doBlock(`CASE current_setting('x') WHEN 'a' THEN\n  ${createPlatform}\nELSE NULL;\nEND CASE;`));
    expect(caseStatement.map((effect) => effect.kind)).toEqual(['unknown', 'create-enum']);
  });

  it('says once per condition that its statements are conditional', () => {
    const effects = effectsOf(doBlock(`IF random() > 0.5 THEN\n  ${createPlatform}\n  DROP TYPE old;\nEND IF;`));
    expect(effects.map((effect) => effect.kind)).toEqual(['unknown', 'create-enum', 'drop-enum']);
  });

  it('does not report conditions around statements that change nothing', () => {
    expect(effectsOf(doBlock("IF random() > 0.5 THEN\n  RAISE NOTICE 'hello';\nEND IF;"))).toEqual([]);
  });

  it('reports RAISE EXCEPTION and COMMIT, and not RAISE NOTICE', () => {
    expect(onlyOfKind(effectsOf(doBlock("RAISE EXCEPTION 'stop';")), 'unknown').reason).toMatch(/RAISE/);
    expect(onlyOfKind(effectsOf(doBlock('COMMIT;')), 'unknown').reason).toMatch(/COMMIT/);
    expect(effectsOf(doBlock("RAISE NOTICE 'go on';"))).toEqual([]);
  });

  it('translates PERFORM and SELECT INTO for the labels they use', () => {
    const effects = effectsOf(`DO $$\nDECLARE n int;\nBEGIN\n  PERFORM 'x'::platformtype;\n  SELECT count(*) INTO n FROM t WHERE p = 'y'::platformtype;\nEND $$`);
    expect(ofKind(effects, 'use-enum-label').map((effect) => [effect.label, effect.location.line])).toEqual([
      ['x', 4],
      ['y', 5],
    ]);
  });

  it('stops at blocks nested too deeply, without failing', () => {
    const depth = 150;
    const body = `${'BEGIN\n'.repeat(depth)}${createPlatform}\n${'END;\n'.repeat(depth)}`;
    const effects = effectsOf(`DO $$\n${body}$$`);
    expect(ofKind(effects, 'unknown')[0]?.reason).toMatch(/nested/);
    expect(ofKind(effects, 'create-enum')).toEqual([]);
  });
});

describe('IF NOT EXISTS lookups of an index', () => {
  it('guard CREATE INDEX (and its table check) with pg_indexes or pg_class, by the index name; another name leaves it unguarded', () => {
    for (const lookup of ["SELECT 1 FROM pg_indexes WHERE indexname = 'ix_t_c'", "SELECT 1 FROM pg_class WHERE relname = 'ix_t_c'"]) {
      const effects = effectsOf(ifNot(lookup, 'CREATE INDEX ix_t_c ON t (c);'));
      expect(effects.map((effect) => [effect.kind, effect.guard.kind])).toEqual([
        ['use-table', 'existence-check'],
        ['create-index', 'existence-check'],
      ]);
    }
    const other = effectsOf(ifNot("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_other'", 'CREATE INDEX ix_t_c ON t (c);'));
    expect(onlyOfKind(other, 'create-index').guard).toEqual({ kind: 'none' });
  });
});
