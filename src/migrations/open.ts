import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { readAlembicIni } from './alembic/ini.js';
import { openAlembicSource, scanOptionsFromConfig, type AlembicSource, type ScanOptions } from './alembic/scan.js';

/** Where the migrations are: a versions directory, or an alembic.ini that says where. */
export interface MigrationsLocation {
  /** An Alembic versions directory (`--migrations`). */
  readonly migrationsDir?: string;
  /** An alembic.ini (`--alembic-ini`): script_location, version_locations and their options. */
  readonly alembicIni?: string;
  /** Also scan subdirectories of --migrations (alembic.ini's recursive_version_locations). */
  readonly recursive?: boolean;
}

/** Whether a location was given at all. */
export function hasMigrations(location: MigrationsLocation): boolean {
  return location.migrationsDir !== undefined || location.alembicIni !== undefined;
}

/**
 * Opens the Alembic history of a location. A missing directory or a broken alembic.ini is an
 * InputError (exit 2); problems inside the revision files are returned with the source.
 */
export function openMigrations(location: MigrationsLocation): AlembicSource {
  return openAlembicSource(migrationScanOptions(location));
}

/** What to scan for a location, its directories checked: see `openMigrations`. */
export function migrationScanOptions(location: MigrationsLocation): ScanOptions {
  let options: ScanOptions;
  if (location.alembicIni !== undefined) {
    options = scanOptionsFromConfig(readAlembicIni(resolve(location.alembicIni)));
    if (location.migrationsDir !== undefined) options = { ...options, versionLocations: [resolve(location.migrationsDir)] };
  } else if (location.migrationsDir !== undefined) {
    options = { versionLocations: [resolve(location.migrationsDir)], recursive: location.recursive ?? false, order: 'sorted' };
  } else {
    throw new InputError('no migrations: pass --migrations DIR (the Alembic versions directory) or --alembic-ini FILE');
  }
  const missing = options.versionLocations.filter((directory) => {
    try {
      return !statSync(directory).isDirectory();
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    const flag = location.migrationsDir !== undefined ? '--migrations' : `${location.alembicIni} (version locations)`;
    throw new InputError(missing.map((directory) => `${flag}: ${directory}: no such directory`));
  }
  return options;
}
