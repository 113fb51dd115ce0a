import { readPackageJson } from '../runtime/assets.js';

/**
 * The manifest's JSON schema, read from the package's `schemas/` folder, so that the file users
 * point their editors at is the very one the gate validates with.
 */
const manifestSchema: object = readPackageJson('schemas/manifest.schema.json') as object;
export default manifestSchema;
