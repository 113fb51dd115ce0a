#!/usr/bin/env node
/**
 * `npm run package [-- --out-dir DIR]`: builds build/schema-gate-<platform>-<arch>, schema-gate as
 * one executable file (a Node single-executable application) for machines without Node, such as the
 * Python images that deploy platforms run `alembic upgrade head` in.
 *
 * 1. esbuild bundles the CLI from src/ into ONE CommonJS file (Node 20 runs nothing else as the
 *    executable's main script). Dynamic imports become lazy initialisers inside the bundle, so a
 *    command still loads only what it uses.
 * 2. The files the CLI reads at run time become assets of the executable, keyed as
 *    src/runtime/assets.ts asks for them: package.json, schemas/*.json, docs/rules/*.md, libpg-query's .wasm.
 * 3. `node --experimental-sea-config` writes the preparation blob (with a V8 code cache, which
 *    takes about a third off start-up), a copy of this very `node` binary is stripped of its symbols, and
 *    postject injects the blob.
 * 4. The result is run once (`--version`, in an empty environment) before it is declared built.
 *
 * The executable embeds the Node that runs this script: build it with the Node (and on the libc)
 * the target machines accept. Official Node 20 Linux binaries need glibc >= 2.28 and libstdc++,
 * which Debian- and Ubuntu-based images have and Alpine's musl images do not.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { inject } from 'postject';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: options } = parseArgs({ options: { 'out-dir': { type: 'string', default: join(ROOT, 'build') } } });
/** Where the executable goes (`--out-dir`, default build/), its intermediate files in sea/ below. */
const OUT_DIR = resolve(options['out-dir']);
const WORK_DIR = join(OUT_DIR, 'sea');
const BUNDLE = join(WORK_DIR, 'schema-gate.cjs');
const SEA_CONFIG = join(WORK_DIR, 'sea-config.json');
const BLOB = join(WORK_DIR, 'sea-prep.blob');
const EXECUTABLE = join(OUT_DIR, `schema-gate-${process.platform}-${process.arch}`);

/** The fuse Node's binary carries so that postject can mark it as holding an application. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** The name under which Node looks for the application blob. */
const SEA_RESOURCE = 'NODE_SEA_BLOB';

/** Dependency files read at run time, by the specifier src/runtime/assets.ts resolves them with. */
const DEPENDENCY_ASSETS = ['libpg-query/wasm/libpg-query.wasm'];
/** The libpg-query file that instantiates the WebAssembly module (an Emscripten factory). */
const LIBPG_QUERY_FACTORY = 'libpg-query/wasm/libpg-query.js';

const requireFromRoot = createRequire(join(ROOT, 'package.json'));

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

function step(message) {
  process.stdout.write(`package: ${message}\n`);
}

function checkHost() {
  if (process.platform !== 'linux') fail(`executables are built for Linux only (this is ${process.platform})`);
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  // Assets in single executables arrived in Node 20.12 and 21.7.
  if (major < 20 || (major === 20 && minor < 12) || (major === 21 && minor < 7)) fail(`Node ${process.versions.node} cannot embed assets in an executable; use Node 20.12 or later`);
}

/** package.json, every schema and every rule's page, by their paths relative to the package root. */
function packageAssets() {
  const filesIn = (directory, extension) =>
    readdirSync(join(ROOT, directory))
      .filter((name) => name.endsWith(extension))
      .sort()
      .map((name) => `${directory}/${name}`);
  return ['package.json', ...filesIn('schemas', '.json'), ...filesIn('docs/rules', '.md')];
}

/**
 * Hands libpg-query's Emscripten factory the options of src/runtime/assets.ts. The library calls
 * its factory itself, without options, as it loads; without them the module would look for its
 * .wasm beside the executable. So inside the bundle the factory is wrapped: options from
 * `emscriptenWasmOptions` first, then whatever the library passes.
 */
function libpgQueryWasmPlugin(used) {
  const factoryFile = requireFromRoot.resolve(LIBPG_QUERY_FACTORY);
  const assetsModule = join(ROOT, 'src/runtime/assets.ts');
  const wasmSpecifier = DEPENDENCY_ASSETS[0];
  return {
    name: 'libpg-query-wasm-from-assets',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\.\/libpg-query\.js$/ }, (args) => {
        if (join(args.resolveDir, 'libpg-query.js') !== factoryFile) return undefined;
        used.wrapped = true;
        return { path: factoryFile, namespace: 'libpg-query-factory' };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'libpg-query-factory' }, () => ({
        loader: 'js',
        resolveDir: ROOT,
        contents: [
          `const factory = require(${JSON.stringify(factoryFile)});`,
          `const { emscriptenWasmOptions } = require(${JSON.stringify(assetsModule)});`,
          `const wrapped = (options = {}) => factory({ ...emscriptenWasmOptions(${JSON.stringify(wasmSpecifier)}), ...options });`,
          'module.exports = wrapped;',
          'module.exports.default = wrapped;',
        ].join('\n'),
      }));
    },
  };
}

async function bundle() {
  const used = { wrapped: false };
  const result = await build({
    // src/cli/main.ts awaits at top level, which CommonJS cannot; this entry does the same without.
    stdin: {
      contents: [
        "import { hideBin } from 'yargs/helpers';",
        "import { prepareCliProcess } from './src/cli/process.ts';",
        "import { createProgram } from './src/cli/program.ts';",
        'prepareCliProcess();',
        'void createProgram(hideBin(process.argv)).parseAsync();',
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'executable-main.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: BUNDLE,
    // Bundled ES modules ask for their own URL; in the executable that is the executable's.
    banner: { js: 'var __moduleUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { 'import.meta.url': '__moduleUrl' },
    // pg's optional native driver, which schema-gate never selects.
    external: ['pg-native'],
    plugins: [libpgQueryWasmPlugin(used)],
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
  });
  if (!used.wrapped) fail(`${LIBPG_QUERY_FACTORY} was not bundled as expected: libpg-query changed its layout; update libpgQueryWasmPlugin`);
  return result;
}

function writeSeaConfig() {
  const template = JSON.parse(readFileSync(join(ROOT, 'scripts/sea-config.template.json'), 'utf8'));
  const assets = {};
  for (const path of packageAssets()) assets[path] = join(ROOT, path);
  for (const specifier of DEPENDENCY_ASSETS) assets[specifier] = requireFromRoot.resolve(specifier);
  writeFileSync(SEA_CONFIG, `${JSON.stringify({ ...template, main: BUNDLE, output: BLOB, assets }, null, 2)}\n`);
  return Object.keys(assets);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  return result;
}

function onPath(command) {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      return dir !== '' && statSync(join(dir, command)).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Runs `action` with console warnings matching `noise` dropped. postject's ELF writer warns once per
 * note section of Node's binary that it cannot name; the executable is sound all the same.
 */
async function quietly(noise, action) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!(typeof args[0] === 'string' && noise.test(args[0]))) warn(...args);
  };
  try {
    return await action();
  } finally {
    console.warn = warn;
  }
}

async function makeExecutable() {
  const node = process.execPath;
  if (!readFileSync(node).includes(`${SEA_FUSE}:0`)) fail(`${node} cannot become a single executable (no SEA fuse); use an official Node build`);
  const partial = `${EXECUTABLE}.partial`;
  rmSync(partial, { force: true });
  copyFileSync(node, partial);
  chmodSync(partial, 0o755);
  // Symbols are a tenth of the binary and nothing at run time reads them.
  if (onPath('strip')) run('strip', [partial]);
  else step('strip not found (binutils): the executable keeps its symbols and is larger');
  await quietly(/^warning: Can't find string offset for section name/, () => inject(partial, SEA_RESOURCE, readFileSync(BLOB), { sentinelFuse: SEA_FUSE }));
  renameSync(partial, EXECUTABLE);
}

function smokeTest() {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const result = run(EXECUTABLE, ['--version'], { env: {}, cwd: OUT_DIR });
  if (result.stdout.trim() !== version) fail(`the executable printed ${JSON.stringify(result.stdout)} for --version, expected ${version}`);
}

async function main() {
  const started = Date.now();
  checkHost();
  mkdirSync(WORK_DIR, { recursive: true });
  step('bundling src/cli into one CommonJS file');
  const { metafile } = await bundle();
  const inputs = Object.keys(metafile.inputs).length;
  step(`  ${relative(ROOT, BUNDLE)}: ${inputs} modules, ${(statSync(BUNDLE).size / 1024).toFixed(0)} KiB`);
  const assets = writeSeaConfig();
  step(`assets: ${assets.join(', ')}`);
  run(process.execPath, ['--experimental-sea-config', SEA_CONFIG], { cwd: ROOT });
  step(`injecting into a copy of ${process.execPath} (Node ${process.versions.node})`);
  await makeExecutable();
  smokeTest();
  const size = statSync(EXECUTABLE).size / 1024 / 1024;
  step(`built ${relative(ROOT, EXECUTABLE)} (${size.toFixed(1)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
