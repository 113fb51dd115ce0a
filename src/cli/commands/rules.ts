import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return yargs.example('$0 rules', 'Every rule the gate applies').example('$0 explain enum-created-twice', 'One rule in full');
}

type RulesArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `schema-gate rules`: every rule, its default severity and what it catches. */
export const rulesCommand: CommandModule<object, RulesArgs> = {
  command: 'rules',
  describe: 'List every rule with its default severity and what it catches',
  builder,
  handler: (argv) =>
    runCommand(Boolean(argv['debug']), async () => {
      const { RULES } = await import('../../rules/index.js');
      const idWidth = Math.max(...RULES.map((rule) => rule.meta.id.length));
      const severityWidth = Math.max(...RULES.map((rule) => rule.meta.defaultSeverity.length));
      const lines = RULES.map(({ meta }) => `${meta.id.padEnd(idWidth)}  ${meta.defaultSeverity.padEnd(severityWidth)}  ${meta.description}`);
      process.stdout.write(`${lines.join('\n')}\n\nRun schema-gate explain <id> for a rule's page.\n`);
      return ExitCode.Safe;
    }),
};
