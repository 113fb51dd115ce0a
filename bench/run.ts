/**
 * `npm run bench`: schema-gate against what users would run instead, on generated Alembic
 * histories, as whole processes (cold starts, as a deploy container runs them). Prints a Markdown
 * table and writes .bench/results.json. Options: --sizes 100,1000,5000 --runs 7, and
 * --compare PATH to time another build of the CLI (e.g. one of an earlier commit) in the same
 * rounds, as an extra row per size.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { arch, cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHistory } from './history.js';
import { measureInterleaved } from './measure.js';

// Compiled to .bench/dist/bench/run.js: the repository is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'dist', 'bin', 'schema-gate.js');

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const sizes = option('sizes', '100,1000,5000').split(',').map(Number);
const runs = Number(option('runs', '7'));
const compare = option('compare', '');
const pythonEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
const builds = [{ name: 'plan (offline)', bin }, ...(compare ? [{ name: `plan (offline), ${compare}`, bin: resolve(compare) }] : [])];

interface Row {
  readonly revisions: number;
  readonly megabytes: number;
  readonly task: string;
  readonly ours: number;
  readonly oursMin: number;
  readonly theirs: number;
  readonly theirsName: string;
  readonly ratio: number;
  readonly peakRssMb: number;
  readonly target: string;
}

const rows: Row[] = [];
for (const size of sizes) {
  const directory = await mkdtemp(join(tmpdir(), `schema-gate-bench-${size}-`));
  try {
    const history = await generateHistory(directory, size);
    const [alembicHeads, ...plans] = measureInterleaved(
      [
        { command: ['/usr/bin/python3', '-m', 'alembic', '-c', join(directory, 'alembic.ini'), 'heads'], env: pythonEnv },
        ...builds.map((build) => ({ command: [process.execPath, build.bin, 'plan', '--migrations', history.versionsDirectory, '--format', 'json'] })),
      ],
      runs,
    );
    if (alembicHeads!.failures.length > 0) throw new Error(`alembic heads failed: ${alembicHeads!.failures[0]}`);
    const target = size >= 5000 ? '≥ 2.5×' : size >= 1000 ? '≥ 2×' : '—';
    builds.forEach((build, index) => {
      const plan = plans[index]!;
      // A generated history is sound: the plan must pass, or the timing means nothing.
      if (plan.failures.length > 0) throw new Error(`schema-gate plan (${build.bin}) failed: ${plan.failures[0]}`);
      rows.push({
        revisions: size,
        megabytes: history.bytes / 1e6,
        task: build.name,
        ours: plan.medianSeconds,
        oursMin: plan.minSeconds,
        theirs: alembicHeads!.medianSeconds,
        theirsName: 'alembic heads',
        ratio: alembicHeads!.medianSeconds / plan.medianSeconds,
        peakRssMb: plan.peakRssMb,
        target,
      });
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const header = `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (${arch()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; medians of ${runs} cold runs after one warm-up, commands taking turns.`;
const table = [
  '| revisions | MB | schema-gate | median (min) | baseline | median | speed-up | target | peak RSS |',
  '| ---: | ---: | --- | ---: | --- | ---: | ---: | --- | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.revisions} | ${row.megabytes.toFixed(1)} | ${row.task} | ${row.ours.toFixed(3)} s (${row.oursMin.toFixed(3)}) | ${row.theirsName} | ${row.theirs.toFixed(3)} s | ${row.ratio.toFixed(2)}× | ${row.target} | ${row.peakRssMb.toFixed(0)} MB |`,
  ),
].join('\n');
process.stdout.write(`${header}\n\n${table}\n`);
await mkdir(join(root, '.bench'), { recursive: true });
await writeFile(join(root, '.bench', 'results.json'), `${JSON.stringify({ header, rows }, null, 2)}\n`);
