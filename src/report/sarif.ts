import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { CheckResult } from '../check.js';
import { RULES, type Finding, type RuleMeta, type Severity } from '../rules/index.js';
import { VERSION } from '../version.js';
import type { RuleDoc, SourceRoot } from './formats.js';
import { pathFromRoot } from './paths.js';

/** The SARIF version written, and its schema's canonical address. */
const SARIF_VERSION = '2.1.0';
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The base that artifact URIs are relative to: by convention, the root of the sources. */
const SOURCE_ROOT_ID = '%SRCROOT%';

const LEVELS: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };

/** How the SARIF log is rendered. */
export interface SarifOptions {
  /** Artifact URIs are relative to it (with %SRCROOT%); default: the findings' paths as they are, without a base. */
  readonly sourceRoot?: SourceRoot;
  /** The rules' documentation pages, as each rule's help; default: the one-line description. */
  readonly ruleDocs?: readonly RuleDoc[];
  /** The rules the log describes; default every rule of the registry. */
  readonly rules?: readonly RuleMeta[];
}

/** The paragraph under a page's "What it catches" heading, as one line; undefined without one. */
function whatItCatches(markdown: string): string | undefined {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => /^## What it catches\s*$/.test(line));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  const text = lines.slice(start + 1, end < 0 ? undefined : end).join(' ').replace(/\s+/g, ' ').trim();
  return text ? text : undefined;
}

/** A relative path as a URI reference: each segment percent-encoded, the slashes kept. */
function uriOf(path: string): string {
  return path.startsWith('/') ? pathToFileURL(path).href : path.split('/').map(encodeURIComponent).join('/');
}

function descriptor(meta: RuleMeta, doc: RuleDoc | undefined): Sarif.ReportingDescriptor {
  const full = doc ? whatItCatches(doc.markdown) : undefined;
  return {
    id: meta.id,
    shortDescription: { text: meta.description },
    fullDescription: { text: full ?? meta.description },
    help: doc ? { text: doc.markdown, markdown: doc.markdown } : { text: meta.description },
    defaultConfiguration: { level: LEVELS[meta.defaultSeverity] },
  };
}

function locationsOf(finding: Finding, sourceRoot: SourceRoot | undefined): Sarif.Location[] {
  const location: Sarif.Location = {};
  if (finding.file) {
    const path = pathFromRoot(finding.file, sourceRoot);
    const relative = !path.startsWith('/');
    location.physicalLocation = {
      artifactLocation: { uri: uriOf(path), ...(relative && sourceRoot ? { uriBaseId: SOURCE_ROOT_ID } : {}) },
      ...(finding.line !== undefined ? { region: { startLine: finding.line } } : {}),
    };
  }
  // The schema object the finding is about; its kind (enum or table) is not recorded in a finding.
  if (finding.object) location.logicalLocations = [{ name: finding.object, fullyQualifiedName: finding.object }];
  return location.physicalLocation || location.logicalLocations ? [location] : [];
}

function resultOf(finding: Finding, indexOf: ReadonlyMap<string, number>, sourceRoot: SourceRoot | undefined): Sarif.Result {
  const ruleIndex = indexOf.get(finding.rule);
  const properties = { ...(finding.details ? { details: finding.details } : {}), ...(finding.demotedFrom ? { demotedFrom: finding.demotedFrom } : {}) };
  return {
    ruleId: finding.rule,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVELS[finding.severity],
    message: { text: `${finding.message}. Fix: ${finding.hint}` },
    locations: locationsOf(finding, sourceRoot),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

/**
 * Renders a check result as a SARIF 2.1.0 log for code-scanning tools: every rule with its
 * documentation, and each finding as a result at its file and line, or at its schema object.
 * Pure: same result and options, same log.
 */
export function formatSarif(result: CheckResult, options: SarifOptions = {}): string {
  const rules = options.rules ?? RULES.map((rule) => rule.meta);
  const docs = new Map((options.ruleDocs ?? []).map((doc) => [doc.id, doc]));
  const indexOf = new Map(rules.map((meta, index) => [meta.id, index]));
  const run: Sarif.Run = {
    tool: { driver: { name: 'schema-gate', version: VERSION, semanticVersion: VERSION, rules: rules.map((meta) => descriptor(meta, docs.get(meta.id))) } },
    ...(options.sourceRoot ? { originalUriBaseIds: { [SOURCE_ROOT_ID]: { uri: `${pathToFileURL(options.sourceRoot.root).href.replace(/\/?$/, '/')}` } } } : {}),
    results: [
      ...result.findings.map((finding) => resultOf(finding, indexOf, options.sourceRoot)),
      // Silenced findings stay in the log, marked as suppressed in the source, as SARIF intends.
      ...(result.suppressed ?? []).map(({ finding, suppression }) => ({
        ...resultOf(finding, indexOf, options.sourceRoot),
        suppressions: [{ kind: 'inSource' as const, justification: suppression.reason }],
      })),
    ],
  };
  const log: Sarif.Log = { $schema: SARIF_SCHEMA, version: SARIF_VERSION, runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}
