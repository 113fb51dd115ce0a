/**
 * The files schema-gate reads from its own installation at run time (package.json, schemas/*.json,
 * libpg-query's WebAssembly), in both forms it ships in:
 * - as an npm package, they are files on disk, found relative to this module (two levels below the
 *   package root both in `src/runtime/` and in `dist/runtime/`) or resolved like a dependency;
 * - as a single executable, they are assets built into the executable (`node:sea`), keyed by the
 *   same relative path or dependency specifier. scripts/package.mjs embeds exactly these.
 *
 * Modules ask for a file by that name and never need to know which form they run in.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The parts of `node:sea` used here. */
interface SeaApi {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
  getAsset(key: string, encoding: string): string;
}

const requireHere = createRequire(import.meta.url);

/**
 * `node:sea` when this process is a single executable, else undefined. Loaded through `require`
 * so that Node versions without the module (20.0–20.11) still run the package.
 */
const sea: SeaApi | undefined = (() => {
  try {
    const api = requireHere('node:sea') as SeaApi;
    return api.isSea() ? api : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Whether this process is the single executable. Only for what differs beyond reading files, such
 * as starting schema-gate again: the executable is `process.execPath` alone, with no script.
 */
export function isExecutable(): boolean {
  return sea !== undefined;
}

function asset(api: SeaApi, key: string): ArrayBuffer;
function asset(api: SeaApi, key: string, encoding: BufferEncoding): string;
function asset(api: SeaApi, key: string, encoding?: BufferEncoding): ArrayBuffer | string {
  try {
    return encoding === undefined ? api.getAsset(key) : api.getAsset(key, encoding);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`this schema-gate executable lacks its built-in file ${key} (${reason}); it was packaged incompletely`);
  }
}

/**
 * A file of the package, by its path relative to the package root (`package.json`,
 * `schemas/manifest.schema.json`): bytes, or text when an encoding is given.
 */
export function readPackageFile(relativePath: string): Buffer;
export function readPackageFile(relativePath: string, encoding: BufferEncoding): string;
export function readPackageFile(relativePath: string, encoding?: BufferEncoding): Buffer | string {
  if (sea) return encoding === undefined ? Buffer.from(asset(sea, relativePath)) : asset(sea, relativePath, encoding);
  const url = new URL(`../../${relativePath}`, import.meta.url);
  return encoding === undefined ? readFileSync(url) : readFileSync(url, encoding);
}

/** A JSON file of the package, parsed. */
export function readPackageJson(relativePath: string): unknown {
  return JSON.parse(readPackageFile(relativePath, 'utf8'));
}

/** A file of a dependency, by its module specifier (`libpg-query/wasm/libpg-query.wasm`). */
export function readDependencyFile(specifier: string): Buffer {
  if (sea) return Buffer.from(asset(sea, specifier));
  return readFileSync(requireHere.resolve(specifier));
}

/** The WebAssembly constructors used here (TypeScript declares them only with the DOM library). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}

/** The options of an Emscripten module factory that decide where its `.wasm` comes from. */
export interface EmscriptenWasmOptions {
  instantiateWasm: (imports: object, receiveInstance: (instance: object) => unknown) => object;
}

/**
 * Options for an Emscripten module factory that make it instantiate the dependency file
 * `specifier` as read by `readDependencyFile`, wherever that file is. The package does not need
 * them (libpg-query finds the .wasm beside its own JavaScript); the executable's bundle, which has no
 * such file beside it, passes them to libpg-query's factory (see scripts/package.mjs). Compilation
 * is synchronous so that a failure rejects the factory's promise instead of leaving it pending.
 */
export function emscriptenWasmOptions(specifier: string): EmscriptenWasmOptions {
  return {
    instantiateWasm(imports, receiveInstance) {
      const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
      receiveInstance(new Instance(new Module(readDependencyFile(specifier)), imports));
      return {};
    },
  };
}
