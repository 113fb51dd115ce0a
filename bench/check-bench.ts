/**
 * The full `check` against what users would run instead, as whole cold processes. Offline: every
 * upgrade() parsed and simulated, at 1,000 and 5,000 revisions, against `alembic heads`. Live: 1,000
 * revisions with the last 10 pending, against a database with 500 enums and 5,000 tables, next to
 * `alembic heads`, a one-query Node floor and @pgkit/schemainspect (when installed). Prints a
 * Markdown table and writes .bench/check-results.json. Options: --runs 5, --sizes 1000,5000.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { arch, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/embedded/server.js';
import { generateHistory } from './history.js';
import { liveSchemaSql, pendingObjects } from './live-schema.js';
import { measureInterleaved, type TimedCommand, type Timing } from './measure.js';

// Compiled to .bench/dist/bench/check-bench.js: the repository is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'dist', 'bin', 'schema-gate.js');
const node = process.execPath;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const runs = Number(option('runs', '5'));
const sizes = option('sizes', '1000,5000').split(',').map(Number);
const LIVE_REVISIONS = 1000;
const PENDING = 10;
const ENUMS = 500;
const TABLES = 5000;
const RSS_LIMIT_MB = 150;
const pythonEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

interface Row {
  readonly scenario: string;
  readonly ours: string;
  readonly oursSeconds: number;
  readonly baseline: string;
  readonly baselineSeconds: number;
  /** ours / baseline, in time: below 1 is faster. */
  readonly ratio: number;
  readonly target: string;
  readonly met: boolean;
  readonly peakRssMb: number;
  readonly baselinePeakRssMb: number;
}
const rows: Row[] = [];
const skipped: string[] = [];

function alembicHeads(directory: string): TimedCommand {
  return { command: ['/usr/bin/python3', '-m', 'alembic', '-c', join(directory, 'alembic.ini'), 'heads'], env: pythonEnv };
}

function mustSucceed(name: string, timing: Timing): Timing {
  if (timing.failures.length > 0) throw new Error(`${name} failed: ${timing.failures[0]}`);
  return timing;
}

function row(scenario: string, ours: string, own: Timing, baseline: string, theirs: Timing, maxRatio: number, target: string): void {
  const ratio = own.medianSeconds / theirs.medianSeconds;
  rows.push({
    scenario,
    ours,
    oursSeconds: own.medianSeconds,
    baseline,
    baselineSeconds: theirs.medianSeconds,
    ratio,
    target,
    met: ratio <= maxRatio,
    peakRssMb: own.peakRssMb,
    baselinePeakRssMb: theirs.peakRssMb,
  });
}

function runJson(args: readonly string[], accepted: readonly number[] = [0]): unknown {
  const result = spawnSync(node, [bin, ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (result.status === null || !accepted.includes(result.status)) {
    throw new Error(`schema-gate ${args[0]} exited with ${String(result.status)}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as unknown;
}

/** Whether @pgkit/schemainspect resolves from the repository; if not, why. */
function schemainspectMissing(): string | undefined {
  try {
    createRequire(join(root, 'package.json')).resolve('@pgkit/schemainspect');
    return undefined;
  } catch {
    return '@pgkit/schemainspect is not installed (npm install --no-save @pgkit/schemainspect)';
  }
}

// Everything to undo, also when a step fails or the run is interrupted.
const directories: string[] = [];
let server: EmbeddedServer | undefined;
async function cleanUp(): Promise<void> {
  const stopping = server;
  server = undefined;
  await stopping?.stop().catch((error: unknown) => process.stderr.write(`could not stop the server: ${String(error)}\n`));
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

async function temporaryDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  directories.push(directory);
  return directory;
}

async function offline(size: number): Promise<void> {
  const directory = await temporaryDirectory(`schema-gate-check-bench-${size}-`);
  const history = await generateHistory(directory, size);
  // The team's manifest: the schema the history makes, so that the check passes, as it does on most deploys.
  const manifest = join(directory, 'manifest.json');
  await writeFile(manifest, `${JSON.stringify(history.manifest)}\n`);
  const [heads, check] = measureInterleaved(
    [
      alembicHeads(directory),
      {
        command: [node, bin, 'check', '--manifest', manifest, '--migrations', history.versionsDirectory, '--offline', '--format', 'json'],
      },
    ],
    runs,
  );
  row(
    `offline check, ${size} revisions (all pending)`,
    'check --offline',
    mustSucceed('schema-gate check --offline', check!),
    'alembic heads',
    mustSucceed('alembic heads', heads!),
    1,
    '≤ 1× alembic heads',
  );
}

async function live(): Promise<void> {
  const directory = await temporaryDirectory('schema-gate-check-bench-live-');
  const history = await generateHistory(directory, LIVE_REVISIONS);
  const stampIndex = LIVE_REVISIONS - PENDING - 1;
  const stamp = history.revisions[stampIndex]!;
  const pendingIndexes = Array.from({ length: PENDING }, (_, offset) => stampIndex + 1 + offset);

  server = await startEmbeddedPostgres();
  const url = server.url;
  const sql = liveSchemaSql({ enumCount: ENUMS, tableCount: TABLES, stamp, pending: pendingObjects(pendingIndexes) });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }

  // The stamp must leave exactly the last PENDING revisions to apply, or the scenario is not the one named.
  const plan = runJson(['plan', '--migrations', history.versionsDirectory, '--database-url', url, '--format', 'json']) as { pending?: unknown[] };
  if (!Array.isArray(plan.pending) || plan.pending.length !== PENDING) {
    throw new Error(`expected ${PENDING} pending revisions, plan says ${Array.isArray(plan.pending) ? plan.pending.length : 'none'}`);
  }

  // The team's manifest: what the database holds now (the pending creations show as warnings).
  const manifest = join(directory, 'manifest.json');
  const snapshot = spawnSync(node, [bin, 'snapshot', '--database-url', url, '--out', manifest], { encoding: 'utf8' });
  if (snapshot.status !== 0) throw new Error(`schema-gate snapshot failed: ${snapshot.stderr}`);

  const inspectMissing = schemainspectMissing();
  if (inspectMissing) skipped.push(`schemainspect: ${inspectMissing}`);
  const commands: TimedCommand[] = [
    { command: [node, bin, 'check', '--manifest', manifest, '--migrations', history.versionsDirectory, '--database-url', url, '--format', 'json'], acceptedCodes: [0, 1] },
    alembicHeads(directory),
    { command: [node, bin, 'snapshot', '--database-url', url] },
    { command: [node, join(root, 'bench', 'catalog-floor.mjs'), url] },
    ...(inspectMissing ? [] : [{ command: [node, join(root, 'bench', 'schemainspect-inspect.mjs'), url] }]),
  ];
  const [check, heads, snapshotTiming, floor, inspect] = measureInterleaved(commands, runs);
  const scenario = `live check, ${LIVE_REVISIONS} revisions (${PENDING} pending), ${ENUMS} enums, ${TABLES} tables`;
  mustSucceed('schema-gate check (live)', check!);
  row(scenario, 'check --database-url', check!, 'alembic heads', mustSucceed('alembic heads', heads!), 1, '≤ 1× alembic heads');
  // An install without saving disappears with the next `npm install`: report that instead of failing the whole run.
  if (inspect && inspect.failures.length > 0) skipped.push(`schemainspect: failed during the run: ${inspect.failures[0]!.split('\n').find((line) => line.includes('Error')) ?? inspect.failures[0]}`);
  else if (inspect) row(scenario, 'check --database-url', check!, '@pgkit/schemainspect', inspect, 0.25, '≤ 0.25× schemainspect');
  row(
    `live introspection, ${ENUMS} enums, ${TABLES} tables`,
    'snapshot --database-url',
    mustSucceed('schema-gate snapshot', snapshotTiming!),
    'one-query pg floor',
    mustSucceed('catalog floor', floor!),
    1.5,
    '≤ 1.5× floor',
  );
  const rssRow = rows.find((r) => r.scenario === scenario)!;
  rows.push({ ...rssRow, target: `peak RSS < ${RSS_LIMIT_MB} MB`, ratio: NaN, met: check!.peakRssMb < RSS_LIMIT_MB, baseline: '—', baselineSeconds: NaN, baselinePeakRssMb: NaN });
}

const started = Date.now();
try {
  for (const size of sizes) await offline(size);
  await live();
} finally {
  await cleanUp();
}

const seconds = (value: number): string => (Number.isNaN(value) ? '—' : `${value.toFixed(3)} s`);
const header = `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (${arch()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; medians of ${runs} cold runs after one warm-up, commands taking turns; ratio = ours / baseline (time).`;
const table = [
  '| scenario | ours | median | baseline | median | ratio | target | met? | peak RSS (ours / baseline) |',
  '| --- | --- | ---: | --- | ---: | ---: | --- | --- | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.ours} | ${seconds(r.oursSeconds)} | ${r.baseline} | ${seconds(r.baselineSeconds)} | ${Number.isNaN(r.ratio) ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.met ? 'yes' : '**no**'} | ${r.peakRssMb.toFixed(0)} MB / ${Number.isNaN(r.baselinePeakRssMb) ? '—' : `${r.baselinePeakRssMb.toFixed(0)} MB`} |`,
  ),
].join('\n');
const notes = skipped.map((reason) => `Skipped: ${reason}`).join('\n');
process.stdout.write(`${header}\n\n${table}\n${notes ? `\n${notes}\n` : ''}\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s.\n`);
await mkdir(join(root, '.bench'), { recursive: true });
await writeFile(join(root, '.bench', 'check-results.json'), `${JSON.stringify({ header, runs, rows, skipped }, null, 2)}\n`);
