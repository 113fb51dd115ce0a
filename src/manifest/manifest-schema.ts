import { readFileSync } from 'node:fs';

/**
 * The manifest's JSON schema, read from the package's `schemas/` folder (two levels above this
 * module both in `src/` and in `dist/`), so that the file users point their editors at is the very
 * one the gate validates with.
 */
const manifestSchema: object = JSON.parse(readFileSync(new URL('../../schemas/manifest.schema.json', import.meta.url), 'utf8')) as object;
export default manifestSchema;
