import { setFlagsFromString } from 'node:v8';

/**
 * Settings for the CLI's own process (never the library's: they are process-wide).
 *
 * Output to a closed pipe is dropped (see below).
 *
 * The SQL parser is WebAssembly (libpg-query), called for a few hundred short statements at most.
 * V8's baseline compiler (Liftoff) serves it well; the optimising tier compiles the whole module
 * in the background at load, which costs more than it could save: measured on an offline check of
 * 1,000 revisions, ~0.25 s and ~60 MB of peak memory. The stack depth the parser survives is the
 * same under both (see migrations/sql/parser.ts for the bound it is held to).
 *
 * Node 20 has no `navigator`; Node 21 and later define `navigator.userAgent` as `Node.js/<major>`.
 * `pg` tells Cloudflare Workers from Node by that user agent and, without it, by constructing a
 * fetch `Response`, which loads Node's whole fetch implementation (undici): ~30 ms of every run
 * that reads a database, for a class it then discards. The CLI defines the user agent as later
 * Node versions do, so every version takes the same short path.
 */
export function prepareCliProcess(): void {
  setFlagsFromString('--liftoff-only');
  if (!('navigator' in globalThis)) {
    Object.defineProperty(globalThis, 'navigator', {
      value: Object.freeze({ userAgent: `Node.js/${process.versions.node.split('.')[0] ?? ''}` }),
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }
  // A reader that closes early (`schema-gate check | head`) must not turn into a stack trace, nor
  // end the run before its verdict: the rest of the output is dropped and the exit code stays.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignoreClosedReader);
}

function ignoreClosedReader(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
}
