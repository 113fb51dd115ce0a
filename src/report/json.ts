import type { CheckResult } from '../check.js';
import { VERSION } from '../version.js';

/** The JSON report version; bumped only for incompatible changes, which the contract forbids. */
export const REPORT_FORMAT_VERSION = 1;

/**
 * Renders a check result as one JSON document, described by `schemas/report.schema.json`.
 * Keys are stable; new keys may be added, none removed or changed in meaning.
 */
export function formatJson(result: CheckResult): string {
  const document = {
    reportVersion: REPORT_FORMAT_VERSION,
    tool: { name: 'schema-gate', version: VERSION },
    ok: result.ok,
    mode: result.mode,
    strict: result.strict,
    summary: result.summary,
    findings: result.findings,
    manifest: result.manifest,
    database: result.database,
    migrations: result.migrations,
    notes: result.notes,
    // Optional keys, present only when they say something, so that earlier reports stay valid.
    ...(result.suppressed ? { suppressed: result.suppressed } : {}),
    ...(result.changedSince ? { changedSince: result.changedSince } : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
