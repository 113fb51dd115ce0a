import { describe, expect, it } from '@jest/globals';
import { analyze, analyzeFixture, markerLine, revision, summary, type SqlCall } from './support.js';

describe('loops over literal data', () => {
  it('unrolls a loop over a dict of enum definitions, for SQL and for constructors', () => {
    const fixture = 'loop_unrolled.py';
    const calls: SqlCall[] = [];
    const { effects } = analyzeFixture(fixture, { calls });
    expect(calls.map((call) => call.sql)).toEqual(["CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads')", "CREATE TYPE metrictype AS ENUM ('clicks', 'spend')"]);
    expect(calls.every((call) => call.origin.line === markerLine(fixture, 'f-string'))).toBe(true);
    expect(summary(effects)).toEqual(['create-enum platformtype', 'create-enum metrictype', 'create-enum granularity']);
    expect(effects[2]).toMatchObject({ via: 'enum-create', labels: ['day', 'week'], guard: { kind: 'none' }, location: { line: markerLine(fixture, 'constructor') } });
  });

  it('cannot unroll a loop over imported data: one note, and the body analysed once (the near-twin)', () => {
    const fixture = 'loop_unknown.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['unknown', 'unknown']);
    expect(effects[0]).toMatchObject({ reason: expect.stringContaining('the loop runs its body for items schema-gate cannot evaluate'), location: { line: markerLine(fixture, 'loop') } });
    expect(effects[1]).toMatchObject({ reason: expect.stringContaining('op.execute() runs SQL text schema-gate cannot evaluate') });
  });

  it('honours continue and break under conditions it knows', () => {
    const calls: SqlCall[] = [];
    analyze(
      revision(`SKIP = {'b'}

def upgrade():
    for name in ['a', 'b', 'c', 'stop', 'd']:
        if name in SKIP:
            continue
        if name == 'stop':
            break
        op.execute(f"CREATE TYPE {name} AS ENUM ('x')")`),
      { calls },
    );
    expect(calls.map((call) => call.sql.split(' ')[2])).toEqual(['a', 'c']);
  });

  it('unrolls enumerate, zip, range and Python enum classes', () => {
    const calls: SqlCall[] = [];
    analyze(
      revision(`import enum

class Kind(enum.Enum):
    A = 'a'
    B = 'b'

def upgrade():
    for index, (member, suffix) in enumerate(zip(Kind, range(2))):
        op.execute(f"CREATE TYPE t{index}_{member.value}{suffix} AS ENUM ('{member.name}')")`),
      { calls },
    );
    expect(calls.map((call) => call.sql)).toEqual(["CREATE TYPE t0_a0 AS ENUM ('A')", "CREATE TYPE t1_b1 AS ENUM ('B')"]);
  });

  it('analyses a while loop once and says so', () => {
    const { effects } = analyze(revision(`def upgrade():
    while True:
        op.execute("CREATE TYPE kind AS ENUM ('a')")
        break`));
    expect(summary(effects)).toEqual(['unknown', 'create-enum kind']);
  });
});

describe('helper functions', () => {
  it('follows helpers of the same file, with their arguments, through several levels', () => {
    const fixture = 'local_helper.py';
    const calls: SqlCall[] = [];
    const { effects } = analyzeFixture(fixture, { calls });
    expect(calls.map((call) => call.sql)).toEqual(["CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads')", "CREATE TYPE metrictype AS ENUM ('clicks')"]);
    expect(effects.map((effect) => effect.location.line)).toEqual([markerLine(fixture, 'helper body'), markerLine(fixture, 'helper body')]);
  });

  it('reports an imported helper, which may do anything (the near-twin)', () => {
    const fixture = 'imported_helper.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['unknown', 'unknown', 'unknown', 'create-enum metrictype']);
    expect(effects[0]).toMatchObject({
      reason: 'calls an imported helper `create_enum_type_safe` (from `app.enum_utils`) that schema-gate cannot see',
      location: { line: markerLine(fixture, 'imported') },
    });
    expect(effects[1]).toMatchObject({ reason: expect.stringContaining('`enum_type_exists`'), location: { line: markerLine(fixture, 'imported check') } });
    expect(effects[2]).toMatchObject({ reason: expect.stringContaining('cannot evaluate') });
    expect(effects[3]).toMatchObject({ guard: { kind: 'none' }, conditions: [{ kind: 'opaque' }] });
  });

  it('uses return values of helpers, and stops at recursion and at the depth limit', () => {
    const calls: SqlCall[] = [];
    const { effects } = analyze(
      revision(`def name_of(base):
    return base + '_type'

def forever():
    forever()

def level1():
    op.execute("CREATE TYPE level1 AS ENUM ('x')")
    level2()

def level2():
    op.execute("CREATE TYPE level2 AS ENUM ('x')")
    level3()

def level3():
    op.execute("CREATE TYPE level3 AS ENUM ('x')")
    level4()

def level4():
    op.execute("CREATE TYPE level4 AS ENUM ('x')")

def upgrade():
    op.execute(f"CREATE TYPE {name_of('kind')} AS ENUM ('x')")
    forever()
    level1()`),
      { calls, maxCallDepth: 3 },
    );
    expect(calls.map((call) => call.sql.split(' ')[2])).toEqual(['kind_type', 'level1', 'level2', 'level3']);
    const unknowns = effects.filter((effect) => effect.kind === 'unknown').map((effect) => (effect.kind === 'unknown' ? effect.reason : ''));
    expect(unknowns).toEqual([expect.stringContaining('`forever` calls itself'), expect.stringContaining('more than 3 calls deep')]);
  });

  it('ignores plain Python: logging, prints, arithmetic, standard library', () => {
    const { effects } = analyze(revision(`import logging
import uuid
from datetime import datetime

log = logging.getLogger(__name__)

def upgrade():
    started = datetime.utcnow()
    log.info("started %s %s", started, uuid.uuid4())
    total = sum([1, 2]) + len("abc")
    print(f"{total} done")`));
    expect(effects).toEqual([]);
  });

  it('knows every built-in function and the pure standard library: next(), iter(), bin(), urllib.parse', () => {
    const { effects } = analyze(revision(`from urllib.parse import urlparse
import ast

def upgrade():
    first = next(iter([1, 2]))
    ones = bin(first).count("1") + abs(-1) + ord("a")
    host = urlparse("postgres://db/app").hostname
    data = ast.literal_eval("[1]")
    raise_if = isinstance(ValueError("x"), LookupError)`));
    expect(effects).toEqual([]);
  });

  it('knows logging and date libraries touch no database (loguru, structlog, dateutil)', () => {
    const { effects } = analyze(revision(`from loguru import logger
import structlog
from dateutil import parser as dates

def upgrade():
    logger.info("migrating")
    structlog.get_logger().warning("x")
    when = dates.parse("2025-01-01")`));
    expect(effects).toEqual([]);
  });

  it('still reports eval() and exec(): they run code schema-gate cannot see', () => {
    const { effects } = analyze(revision('def upgrade():\n    exec("op.execute(\'DROP TABLE t\')")'));
    expect(summary(effects)).toEqual(['unknown']);
  });

  it('reports a method that may run SQL on an imported object', () => {
    const { effects } = analyze(revision(`from app.models import Base

def upgrade():
    Base.metadata.create_all(op.get_bind())`));
    expect(effects).toEqual([expect.objectContaining({ kind: 'unknown', reason: expect.stringContaining('app.models.Base.metadata.create_all') })]);
  });
});

describe('where an unknown value comes from', () => {
  it('names the line of an expression it cannot evaluate, and why, when that line is not the statement\'s', () => {
    const { effects } = analyze(
      revision('def upgrade():\n    conn = op.get_bind()\n    labels = [r[0] for r in conn.execute(sa.text("SELECT 1"))] + ["b"]\n    op.execute(f"CREATE TYPE ct AS ENUM ({labels})")'),
    );
    expect(effects).toEqual([expect.objectContaining({ kind: 'unknown', reason: expect.stringMatching(/`\+` on line 10 over a value schema-gate cannot evaluate \(.+\)/), location: expect.objectContaining({ line: 11 }) })]);
  });
});

describe('reading what a statement returned, and the catalog', () => {
  it('runs no further SQL: rows of a Core statement, metadata.reflect(), text().params()', () => {
    const calls: SqlCall[] = [];
    const { effects } = analyze(
      revision(
        "def upgrade():\n    conn = op.get_bind()\n    meta = sa.MetaData()\n    meta.reflect(bind=conn)\n    t = sa.table('orders', sa.column('id'))\n    ids = conn.execute(sa.select(t.c.id)).scalars().all()\n    conn.execute(sa.text('UPDATE orders SET id = id WHERE id = :i').params(i=1))",
      ),
      { calls },
    );
    // The select itself is data (nothing to say without an ADD VALUE before it); the rest is silent.
    expect(effects.filter((effect) => effect.kind === 'unknown' && !effect.dataOnly)).toEqual([]);
    // .params() gave the text its values: it is read as SQL with bound values.
    expect(calls).toEqual([expect.objectContaining({ sql: 'UPDATE orders SET id = id WHERE id = :i', bindParameters: 'sqlalchemy-text' })]);
    expect(calls[0]).not.toHaveProperty('withoutBindValues');
  });
});

describe('rows read or written through SQLAlchemy Core', () => {
  it('are data, never a schema change: marked so, and named as written', () => {
    const { effects } = analyze(
      revision("def upgrade():\n    conn = op.get_bind()\n    t = sa.table('orders', sa.column('status'))\n    conn.execute(sa.update(t).where(t.c.status == 'new').values(status='paid'))\n    conn.execute(sa.select(t.c.status))"),
    );
    const unknowns = effects.filter((effect) => effect.kind === 'unknown');
    expect(unknowns).toHaveLength(2);
    for (const effect of unknowns) expect(effect).toMatchObject({ dataOnly: true });
    expect(unknowns.every((effect) => effect.kind === 'unknown' && effect.mayCreateTables === undefined)).toBe(true);
    expect(unknowns[1]).toMatchObject({ reason: expect.stringContaining('`sa.select`') });
  });
});

