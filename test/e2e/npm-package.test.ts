/**
 * The npm package as a user gets it: `npm pack` (whose `prepare` builds dist/), then
 * `npm install <tarball>` in an empty project with npm's default settings, then `npx schema-gate`.
 *
 * The pack runs on a copy of the sources (every file git does not ignore), not in the repository:
 * a clean checkout is what a publish starts from, and `prepare` rebuilding the repository's own dist/
 * would pull it from under the tests that run the built CLI at the same time. npm runs with an empty
 * HOME, its own cache and no inherited npm_* variables, so neither the developer's .npmrc nor the
 * outer `npm test` can change what it does; dependencies come from the registry.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runToEnd, type CliResult } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

let scratch: string;
/** The tarball `npm pack` wrote. */
let tarball = '';
/** The empty project the tarball is installed into. */
let project: string;
/** What `npm install <tarball>` printed. */
let installOutput: string;
/** The tarball's file list, without the leading `package/`. */
let tarballFiles: string[];
/** How long packing and installing took, for the log. */
const timings: Record<string, number> = {};

/** PATH, an empty HOME, the CA bundle and proxies of this machine, and a cache of the test's own. */
function npmEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: join(scratch, 'home'),
    npm_config_cache: join(scratch, 'npm-cache'),
    NO_COLOR: '1',
  };
  for (const name of ['NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function run(command: string, args: readonly string[], cwd: string): Promise<CliResult> {
  return runToEnd(command, args, { cwd, env: npmEnvironment() });
}

async function timed<T>(label: string, action: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await action();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

function expectSuccess(what: string, result: CliResult): void {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stdout}${result.stderr}`);
}

/** The sources as a clean checkout holds them, with the shared node_modules for the build. */
function copySources(destination: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (file === 'node_modules') continue;
    const target = join(destination, file);
    mkdirSync(dirname(target), { recursive: true });
    try {
      cpSync(join(ROOT, file), target);
    } catch (error) {
      // A tracked file deleted in the working tree is not part of the sources being packed.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(destination, 'node_modules'));
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'schema-gate-npm-package-'));
  mkdirSync(join(scratch, 'home'));
  const source = join(scratch, 'source');
  copySources(source);

  const packDir = join(scratch, 'pack');
  mkdirSync(packDir);
  const packed = await timed('npm pack', () => run('npm', ['pack', '--pack-destination', packDir], source));
  expectSuccess('npm pack', packed);
  tarball = join(packDir, `${PACKAGE.name}-${PACKAGE.version}.tgz`);
  const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`tar -tzf failed: ${listing.stderr}`);
  tarballFiles = listing.stdout.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, ''));

  project = join(scratch, 'project');
  mkdirSync(project);
  // A package.json of its own keeps npm from installing into some directory above.
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const installed = await timed('npm install', () => run('npm', ['install', tarball], project));
  expectSuccess('npm install', installed);
  installOutput = installed.stdout + installed.stderr;
  cpSync(join(ROOT, 'examples/incident'), join(project, 'incident'), { recursive: true });
  process.stdout.write(`npm package test: ${Object.entries(timings).map(([label, ms]) => `${label} ${(ms / 1000).toFixed(1)} s`).join(', ')}\n`);
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds the built code, the schemas, the rule pages and the documents, and nothing else', () => {
    const topLevel = [...new Set(tarballFiles.map((path) => path.split('/')[0]))].sort();
    expect(topLevel).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'docs', 'package.json', 'schemas']);
    expect(tarballFiles).toEqual(expect.arrayContaining(['dist/bin/schema-gate.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'schemas/manifest.schema.json', 'schemas/report.schema.json', 'docs/rules/enum-created-twice.md']));
    // No source maps (their sources are not shipped), no demo (it needs development dependencies), no tests.
    expect(tarballFiles.filter((path) => /\.map$|^dist\/(demo|test|src)\/|\.test\./.test(path))).toEqual([]);
    expect(tarballFiles.filter((path) => path.startsWith('docs/') && !path.startsWith('docs/rules/'))).toEqual([]);
  });
});

describe('installed from the tarball with npm defaults', () => {
  it('needs no install script of any dependency', () => {
    // npm names the packages whose install scripts its allowScripts policy would hold back. For a package
    // installed from a file, npm counts its own `prepare` among them (from the registry it does not, and
    // a tarball's `prepare` is never run): that entry is schema-gate's build, not a dependency's script.
    const named = [...installOutput.matchAll(/^npm warn install-scripts {3}(\S+) \((.*)\)$/gm)].map((match) => `${match[1]} (${match[2]})`);
    expect(named.filter((entry) => !entry.startsWith(`${PACKAGE.name}@${PACKAGE.version} (prepare: `))).toEqual([]);
    const counted = /(\d+) packages? ha(?:s|ve) install scripts/.exec(installOutput);
    expect(Number(counted?.[1] ?? 0)).toBe(named.length);
    expect(installOutput).not.toMatch(/gyp|ERR!|npm error/i);
  });

  it('npx schema-gate --version and --help', async () => {
    const version = await run('npx', ['schema-gate', '--version'], project);
    expect(version).toEqual({ code: 0, stdout: `${PACKAGE.version}\n`, stderr: '' });
    const help = await run('npx', ['schema-gate', '--help'], project);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('schema-gate check');
    expect(help.stdout).toContain('schema-gate explain');
  });

  it('runs straight from the tarball with npx --package, as the GitHub Action does with its package input', async () => {
    const elsewhere = join(scratch, 'npx-package');
    mkdirSync(elsewhere);
    const version = await run('npx', ['--yes', '--package', tarball, 'schema-gate', '--version'], elsewhere);
    expect(version).toMatchObject({ code: 0, stdout: `${PACKAGE.version}\n` });
  });

  it('an offline check of the incident: exit 1, the types created twice found, a DO-block guard read by the WebAssembly parser', async () => {
    const result = await run('npx', ['schema-gate', 'check', '--manifest', 'incident/schema-manifest.json', '--alembic-ini', 'incident/alembic.ini', '--offline'], project);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^schema-gate check \(offline\)\n/);
    expect(result.stdout).toContain('incident/alembic/versions/20251010_create_missing_analytics_webhook_tables.py:42');
    expect(result.stdout).toContain('enum-created-twice');
    expect(result.stdout).toContain('guarded-create-drift');
    expect(result.stdout).toContain('not safe to migrate');
  });

  it('reads its rule pages and its manifest schema from the installed package', async () => {
    const explained = await run('npx', ['schema-gate', 'explain', 'enum-created-twice'], project);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('# enum-created-twice');
    writeFileSync(join(project, 'bad-manifest.json'), JSON.stringify({ version: 1, enums: { mood: 'happy' } }));
    const invalid = await run('npx', ['schema-gate', 'check', '--manifest', 'bad-manifest.json', '--offline'], project);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('/enums/mood');
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
  });

  it('rehearse without the embedded PostgreSQL binaries (a development dependency): exit 3 with one line', async () => {
    const result = await run('npx', ['schema-gate', 'rehearse', '--manifest', 'incident/schema-manifest.json', '--upgrade', 'true', '--concurrency', '0'], project);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 3, stdout: '' });
    expect(result.stderr).toMatch(/^schema-gate: error: no scratch server: .*no embedded PostgreSQL binaries installed .*--scratch-url\)\n$/);
  });

  it('imports as a library: check() runs offline without a database URL', async () => {
    const script = [
      "import { check, VERSION } from 'schema-gate';",
      "const result = await check({ manifestFile: 'incident/schema-manifest.json', alembicIni: 'incident/alembic.ini' });",
      'console.log(JSON.stringify({ VERSION, ok: result.ok, rules: [...new Set(result.findings.map((f) => f.rule))].sort() }));',
    ].join('\n');
    const result = await run(process.execPath, ['--input-type=module', '-e', script], project);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { VERSION: string; ok: boolean; rules: string[] };
    expect(output).toMatchObject({ VERSION: PACKAGE.version, ok: false });
    expect(output.rules).toContain('enum-created-twice');
  });

  it('type-checks for a TypeScript consumer (NodeNext, no skipLibCheck)', async () => {
    writeFileSync(
      join(project, 'consumer.mts'),
      [
        "import { check, type CheckResult, type Finding } from 'schema-gate';",
        "import manifestSchema from 'schema-gate/schemas/manifest.schema.json' with { type: 'json' };",
        "const result: CheckResult = await check({ manifestFile: 'm.json' });",
        'const first: Finding | undefined = result.findings[0];',
        'export const summary = [first?.rule, typeof manifestSchema];',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          resolveJsonModule: true,
          // A Node project has Node's types; any other types the declarations need come with the package.
          typeRoots: [join(ROOT, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['consumer.mts'],
      }),
    );
    const result = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
