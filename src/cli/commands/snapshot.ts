import { writeFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, InputError } from '../../errors.js';
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return withDatabaseOptions(yargs)
    .option('out', { type: 'string', describe: 'Write the manifest to this file instead of stdout' })
    .option('schema', { type: 'string', array: true, default: [] as string[], describe: 'Only these schemas (repeatable); default all user schemas' })
    .example('$0 snapshot --database-url "$STAGING_DATABASE_URL" --out schema-manifest.json', 'Bootstrap a manifest from staging')
    .example('$0 snapshot --schema public --schema analytics', 'Only two schemas, printed on stdout');
}

type SnapshotArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `schema-gate snapshot`: write the manifest of a live database. */
export const snapshotCommand: CommandModule<object, SnapshotArgs> = {
  command: 'snapshot',
  describe: 'Write a manifest that describes a live database',
  builder,
  handler: (argv) =>
    runCommand(Boolean(argv['debug']), async () => {
      const { connection, versionTable } = databaseOptions(argv);
      const { snapshot } = await import('../../snapshot.js');
      const databaseUrl = resolveDatabaseUrl(argv['database-url']);
      if (!databaseUrl) throw new InputError('snapshot needs a database: pass --database-url or set DATABASE_URL');
      const result = await snapshot({ databaseUrl, schemas: argv.schema, connection, versionTable });
      const text = `${JSON.stringify(result.manifest, null, 2)}\n`;
      if (argv.out) {
        try {
          await writeFile(argv.out, text);
        } catch (error) {
          throw new InputError(`--out ${argv.out}: cannot write: ${(error as Error).message}`);
        }
        process.stderr.write(`schema-gate: wrote ${argv.out}\n`);
      } else {
        process.stdout.write(text);
      }
      return ExitCode.Safe;
    }),
};
