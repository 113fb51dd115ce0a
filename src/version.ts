import { readPackageJson } from './runtime/assets.js';

/** The package version, read once from the package's package.json. */
export const VERSION: string = (readPackageJson('package.json') as { version: string }).version;
