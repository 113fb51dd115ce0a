/**
 * The configuration snippets `init` suggests: the deploy's pre-deploy command (the recipes of the
 * README's "Deploying on Railway"), and a pull-request job that runs the gate offline. Pure
 * functions of the paths and of which project files exist, so that they are tested without a disk.
 */
import { shellCommand } from '../shell-words.js';

/** The GitHub Action the pull-request job uses; the one place to change its owner or version. */
export const GITHUB_ACTION = 'schema-gate/schema-gate@v0';

/** Where the pull-request job goes, relative to the repository root. */
export const WORKFLOW_FILE = '.github/workflows/schema-gate.yml';

/** The command the deploy runs after the gate. */
const UPGRADE_COMMAND = ['alembic', 'upgrade', 'head'] as const;

/** A platform whose configuration file `init` knows how to extend. */
export type Platform = 'railway' | 'railway-toml' | 'heroku' | 'render' | 'fly' | 'github-actions';

/** One piece of configuration to paste into a project file. */
export interface InitSnippet {
  readonly purpose: 'deploy' | 'pull-request';
  readonly platform: Platform;
  /** The file it belongs in, relative to the working directory. */
  readonly file: string;
  /** Whether that file exists already: merge the snippet into it rather than create it. */
  readonly fileExists: boolean;
  /** One sentence: where the snippet goes and what it does. */
  readonly description: string;
  readonly language: 'json' | 'toml' | 'yaml' | 'procfile';
  /** The snippet, ending with a newline. */
  readonly text: string;
}

/** Where the history is, as the commands in the snippets name it. */
export type HistoryFlag = { readonly flag: '--alembic-ini'; readonly path: string } | { readonly flag: '--migrations'; readonly path: string; readonly recursive: boolean };

/** What the snippets are made of. */
export interface SnippetInput {
  /** The manifest, relative to the working directory (the deploy's) and to the repository root (CI's). */
  readonly manifest: { readonly fromCwd: string; readonly fromRoot: string };
  /** The history, when one is known; its paths relative to the working directory and to the repository root. */
  readonly history?: { readonly fromCwd: HistoryFlag; readonly fromRoot: HistoryFlag };
  /** Project files that exist, relative to the working directory (`railway.json`, `Procfile`, ...). */
  readonly existingFiles: ReadonlySet<string>;
  /** The workflow file relative to the working directory. */
  readonly workflowFile: string;
  /** `deploy.preDeployCommand` of an existing railway.json, when it has one. */
  readonly railwayPreDeploy?: readonly string[];
  /** The offline check's baseline manifest, relative to the repository root, when there is one. */
  readonly baseline?: string;
}

/** A YAML scalar: plain when that cannot be misread, else double-quoted (JSON strings are valid YAML). */
function yamlScalar(value: string): string {
  return /^[\w./-]+$/.test(value) && !/^[-.]/.test(value) ? value : JSON.stringify(value);
}

function historyWords(history: HistoryFlag | undefined): string[] {
  if (!history) return [];
  if (history.flag === '--migrations' && history.recursive) return ['--migrations', history.path, '--recursive'];
  return [history.flag, history.path];
}

/** The pre-deploy command: the gate under its deploy lock, then the upgrade, as the README recommends. */
export function preDeployCommand(input: SnippetInput): string {
  const words = ['schema-gate', 'run', '--manifest', input.manifest.fromCwd, ...historyWords(input.history?.fromCwd), '--', ...UPGRADE_COMMAND];
  return shellCommand(words);
}

function railwayJsonSnippet(input: SnippetInput, command: string): InitSnippet {
  const exists = input.existingFiles.has('railway.json');
  const deploy = { preDeployCommand: [command] };
  const text = exists
    ? `"deploy": ${JSON.stringify(deploy, null, 2)}\n`
    : `${JSON.stringify({ $schema: 'https://railway.com/railway.schema.json', deploy }, null, 2)}\n`;
  const replaces = input.railwayPreDeploy && input.railwayPreDeploy.length > 0 && !input.railwayPreDeploy.some((existing) => existing.includes('schema-gate'));
  const description = exists
    ? replaces
      ? `railway.json: replace deploy.preDeployCommand (${JSON.stringify(input.railwayPreDeploy)}) with this; the gate runs alembic upgrade head itself, only when the check passes`
      : 'railway.json: merge into the deploy section; the gate takes the deploy lock, checks, and runs alembic upgrade head only when the check passes'
    : 'railway.json (Railway config as code): the gate takes the deploy lock, checks, and runs alembic upgrade head only when the check passes';
  return { purpose: 'deploy', platform: 'railway', file: 'railway.json', fileExists: exists, description, language: 'json', text };
}

/** The deploy snippets for the platforms whose files exist; railway.json when none does. */
function deploySnippets(input: SnippetInput): InitSnippet[] {
  const command = preDeployCommand(input);
  const snippets: InitSnippet[] = [];
  if (input.existingFiles.has('railway.toml')) {
    snippets.push({
      purpose: 'deploy',
      platform: 'railway-toml',
      file: 'railway.toml',
      fileExists: true,
      description: 'railway.toml: the deploy section; the gate checks, then runs alembic upgrade head only when the check passes',
      language: 'toml',
      text: `[deploy]\npreDeployCommand = [${JSON.stringify(command)}]\n`,
    });
  }
  if (input.existingFiles.has('Procfile')) {
    snippets.push({
      purpose: 'deploy',
      platform: 'heroku',
      file: 'Procfile',
      fileExists: true,
      description: 'Procfile (Heroku release phase); Heroku Postgres needs TLS: add ?sslmode=require if your URL has no sslmode',
      language: 'procfile',
      text: `release: ${command}\n`,
    });
  }
  if (input.existingFiles.has('render.yaml')) {
    snippets.push({
      purpose: 'deploy',
      platform: 'render',
      file: 'render.yaml',
      fileExists: true,
      description: "render.yaml: the web service's pre-deploy command",
      language: 'yaml',
      text: `preDeployCommand: ${yamlScalar(command)}\n`,
    });
  }
  if (input.existingFiles.has('fly.toml')) {
    snippets.push({
      purpose: 'deploy',
      platform: 'fly',
      file: 'fly.toml',
      fileExists: true,
      description: 'fly.toml: the release command',
      language: 'toml',
      text: `[deploy]\nrelease_command = ${JSON.stringify(command)}\n`,
    });
  }
  if (input.existingFiles.has('railway.json') || snippets.length === 0) snippets.unshift(railwayJsonSnippet(input, command));
  return snippets;
}

/** The pull-request job: the gate offline, findings limited to what the pull request changed. */
function workflowSnippet(input: SnippetInput, history: HistoryFlag): InitSnippet {
  const historyInput = history.flag === '--alembic-ini' ? `alembic-ini: ${yamlScalar(history.path)}` : `migrations: ${yamlScalar(history.path)}`;
  const text = [
    'name: schema-gate',
    'on:',
    '  pull_request:',
    'jobs:',
    '  schema-gate:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: read',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          fetch-depth: 0 # changed-since needs the base branch',
    '      - uses: actions/setup-node@v4 # the action runs npx: Node 20.19+ or 22.12+',
    '        with:',
    '          node-version: 22',
    `      - uses: ${GITHUB_ACTION}`,
    '        with:',
    `          manifest: ${yamlScalar(input.manifest.fromRoot)}`,
    `          ${historyInput}`,
    '          changed-since: origin/${{ github.base_ref }}',
    ...(input.baseline !== undefined ? [`          args: --baseline ${yamlScalar(input.baseline)}`] : []),
    '',
  ].join('\n');
  const exists = input.existingFiles.has(input.workflowFile);
  return {
    purpose: 'pull-request',
    platform: 'github-actions',
    file: input.workflowFile,
    fileExists: exists,
    description: `${input.workflowFile}: on each pull request, the migrations checked offline against the manifest${exists ? ' (the file exists: merge the job into it)' : ''}`,
    language: 'yaml',
    text,
  };
}

/**
 * The snippets that fit a project: a pre-deploy command for each deploy platform whose file
 * exists (railway.json when none does), and, when the history is known, a pull-request job.
 */
export function initSnippets(input: SnippetInput): InitSnippet[] {
  const snippets = deploySnippets(input);
  if (input.history) snippets.push(workflowSnippet(input, input.history.fromRoot));
  return snippets;
}
