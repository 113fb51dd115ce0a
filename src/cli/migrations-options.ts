import type { Argv } from 'yargs';
import type { MigrationsLocation } from '../migrations/open.js';

/** The flags that say where the Alembic history is and what to upgrade to. */
export function withMigrationsOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('migrations', { type: 'string', describe: 'Alembic versions directory', group: 'Migrations:' })
    .option('alembic-ini', {
      type: 'string',
      describe: 'alembic.ini: script_location, version_locations and recursive_version_locations are read from it',
      group: 'Migrations:',
    })
    .option('recursive', { type: 'boolean', default: false, describe: 'Also read subdirectories of --migrations', group: 'Migrations:' })
    .option('to', { type: 'string', default: 'head', describe: 'Upgrade target, as for alembic upgrade: head, heads, a revision, label@head', group: 'Migrations:' });
}

/** The library's view of those flags. */
export function migrationsLocation(argv: { migrations?: string | undefined; 'alembic-ini'?: string | undefined; recursive: boolean }): MigrationsLocation {
  return {
    ...(argv.migrations !== undefined ? { migrationsDir: argv.migrations } : {}),
    ...(argv['alembic-ini'] !== undefined ? { alembicIni: argv['alembic-ini'] } : {}),
    recursive: argv.recursive,
  };
}
