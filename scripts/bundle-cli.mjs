/**
 * Bundles the CLI (src/cli/main.ts and everything it loads) into dist/bin/: one start-up module
 * and lazily loaded chunks, so that a run resolves and compiles a few files instead of every
 * module of the CLI and of yargs, chalk, pg and the parsers (~45 ms of each run). The library
 * (`import … from 'schema-gate'`) stays the one-file-per-module output of tsc.
 *
 * dist/bin/ is two levels below the package root, as every module of dist/ is, so the files the
 * code reads relative to itself (`../../schemas/…`, `../bin/schema-gate.js`) resolve the same.
 * libpg-query stays outside: it loads its WebAssembly from beside its own JavaScript.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bin`;

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { 'schema-gate': `${root}src/cli/main.ts` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // pg-native is pg's optional native driver, which schema-gate never selects.
  external: ['libpg-query', 'pg-native'],
  // CommonJS dependencies (pg, ajv's runtime) call require() for Node's own modules.
  banner: { js: "import { createRequire as __schemaGateRequire } from 'node:module';\nconst require = __schemaGateRequire(import.meta.url);" },
  // Chunks beside the entry: every module stays two levels below the package root.
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
});
