import { describe, expect, it } from '@jest/globals';
import type { CheckResult } from '../../src/check.js';
import { formatJson, formatText } from '../../src/report/index.js';
import { reportSchemaErrors } from '../support/report-schema.js';

const failing: CheckResult = {
  ok: false,
  mode: 'online',
  strict: false,
  summary: { errors: 2, warnings: 1, infos: 0 },
  findings: [
    {
      rule: 'enum-labels-differ',
      severity: 'error',
      message: 'enum platformtype in the database has labels that differ from the manifest: missing "google_ads"',
      object: 'platformtype',
      hint: "add the missing labels in a migration of their own: ALTER TYPE platformtype ADD VALUE 'google_ads' AFTER 'tiktok_ads'",
      details: { missing: ['google_ads'] },
    },
    { rule: 'table-missing', severity: 'error', message: 'table analytics_data_points is in the manifest but not in the database', object: 'analytics_data_points', hint: 'create it' },
    { rule: 'enum-not-in-manifest', severity: 'warning', message: 'enum legacy exists in the database but is not in the manifest', object: 'legacy', hint: 'add it' },
  ],
  manifest: { file: 'examples/incident/schema-manifest.json' },
  database: { url: 'postgres://app:***@db.internal:5432/app', database: 'app', serverVersion: '15.4', versionTable: { schema: 'public', name: 'alembic_version', revisions: ['7903a818df74'] } },
  migrations: null,
  notes: [],
};

const passing: CheckResult = {
  ...failing,
  ok: true,
  mode: 'offline',
  summary: { errors: 0, warnings: 0, infos: 0 },
  findings: [],
  database: null,
  notes: ['offline: no database URL (--database-url or DATABASE_URL), so the live schema was not compared with the manifest'],
};

describe('text report', () => {
  it('groups findings by object, with rule ids and fixes', () => {
    expect(formatText(failing, { color: false })).toMatchSnapshot();
  });

  it('says when it is safe', () => {
    expect(formatText(passing, { color: false })).toMatchSnapshot();
  });

  it('colours only when asked', () => {
    expect(formatText(failing, { color: false })).not.toMatch(/\u001b\[/);
    expect(formatText(failing, { color: true })).toMatch(/\u001b\[31m/);
  });

  it('explains a strict failure that has only warnings', () => {
    const strictFailure: CheckResult = { ...failing, strict: true, summary: { errors: 0, warnings: 1, infos: 0 }, findings: [failing.findings[2]!] };
    expect(formatText(strictFailure, { color: false })).toContain('0 errors, 1 warning (--strict: warnings fail): not safe to migrate');
  });
});

describe('JSON report', () => {
  it.each([
    ['failing', failing],
    ['passing', passing],
  ])('is one document that the report schema accepts (%s)', (_, result) => {
    const document = JSON.parse(formatJson(result)) as Record<string, unknown>;
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document['ok']).toBe(result.ok);
  });

  it('is stable', () => {
    expect(formatJson(failing).replace(/"version": "[^"]+"/, '"version": "<version>"')).toMatchSnapshot();
  });

  it('the schema rejects a finding without a hint', () => {
    const document = JSON.parse(formatJson(failing)) as { findings: Record<string, unknown>[] };
    delete document.findings[0]!['hint'];
    expect(reportSchemaErrors(document)).not.toEqual([]);
  });
});

describe('text report: where to read more', () => {
  it('names the rule to explain when every finding has the same one', () => {
    const oneRule: CheckResult = { ...failing, findings: [failing.findings[1]!] };
    expect(formatText(oneRule, { color: false }).trimEnd().split('\n').at(-1)).toBe('run schema-gate explain table-missing for details');
    expect(formatText(failing, { color: false }).trimEnd().split('\n').at(-1)).toBe('run schema-gate explain <id> for details');
  });

  it('says nothing of it without findings', () => {
    expect(formatText(passing, { color: false })).not.toContain('explain');
  });
});

describe('quiet text report', () => {
  it('lists only the errors, then the verdict line that still counts every finding', () => {
    expect(formatText(failing, { color: false, quiet: true }).split('\n')).toEqual([
      'platformtype',
      '  ✖ error enum platformtype in the database has labels that differ from the manifest: missing "google_ads"  enum-labels-differ',
      "    fix: add the missing labels in a migration of their own: ALTER TYPE platformtype ADD VALUE 'google_ads' AFTER 'tiktok_ads'",
      '',
      'analytics_data_points',
      '  ✖ error table analytics_data_points is in the manifest but not in the database  table-missing',
      '    fix: create it',
      '✖ 2 errors, 1 warning: not safe to migrate',
      '',
    ]);
  });

  it('lists the warnings too under strict, since they fail the check', () => {
    const strictFailure: CheckResult = { ...failing, strict: true, summary: { errors: 0, warnings: 1, infos: 0 }, findings: [failing.findings[2]!] };
    expect(formatText(strictFailure, { color: false, quiet: true })).toContain('enum-not-in-manifest');
  });

  it('is the verdict line alone when it is safe', () => {
    const withWarning: CheckResult = { ...passing, summary: { errors: 0, warnings: 1, infos: 0 }, findings: [failing.findings[2]!] };
    expect(formatText(withWarning, { color: false, quiet: true })).toBe('✔ 0 errors, 1 warning: safe to migrate\n');
  });
});
