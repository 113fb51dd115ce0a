import type { Argv, CommandModule } from 'yargs';
import { ExitCode, InputError } from '../../errors.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return yargs
    .positional('id', { type: 'string', demandOption: true, describe: 'A rule id, as findings name it (schema-gate rules lists them)' })
    .example('$0 explain enum-created-twice', 'What the rule catches, why it matters and how to fix it');
}

type ExplainArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `schema-gate explain <id>`: a rule's documentation page. */
export const explainCommand: CommandModule<object, ExplainArgs> = {
  command: 'explain <id>',
  describe: "Print a rule's documentation: what it catches, why it matters, an example and the fix",
  builder,
  handler: (argv) =>
    runCommand(Boolean(argv['debug']), async () => {
      const { RULES } = await import('../../rules/index.js');
      const { closestRuleIds, readRuleDoc } = await import('../../rules/docs.js');
      const id = String(argv.id);
      if (!RULES.some((rule) => rule.meta.id === id)) {
        const closest = closestRuleIds(id);
        throw new InputError(
          `no rule ${JSON.stringify(id)}${closest.length > 0 ? `; did you mean ${closest.join(', ')}?` : ''} (schema-gate rules lists every rule)`,
        );
      }
      const page = readRuleDoc(id);
      process.stdout.write(page.endsWith('\n') ? page : `${page}\n`);
      return ExitCode.Safe;
    }),
};
