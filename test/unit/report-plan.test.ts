import { describe, expect, it } from '@jest/globals';
import { buildRevisionGraph } from '../../src/migrations/graph.js';
import type { PlanResult } from '../../src/plan.js';
import { formatDot, formatMermaid } from '../../src/report/graph.js';
import { formatPlanJson, formatPlanText } from '../../src/report/plan.js';
import { planSchemaErrors } from '../support/report-schema.js';

const revision = (id: string, file: string, downRevisions: string[], message: string, effects?: { line: number; kind: string; description: string }[]) => ({
  revision: id,
  file,
  line: 12,
  message,
  downRevisions,
  dependsOn: [],
  branchLabels: [],
  isMerge: downRevisions.length > 1,
  ...(effects ? { effects } : {}),
});

const planned: PlanResult = {
  ok: true,
  mode: 'online',
  target: 'head',
  heads: ['c3'],
  current: ['a1'],
  pending: [
    revision('b2', 'alembic/versions/b2_add_users.py', ['a1'], 'add users', [{ line: 20, kind: 'create-table', description: 'CREATE TABLE users' }]),
    revision('c3', 'alembic/versions/c3_merge.py', ['b2', 'x9'], 'merge heads', []),
  ],
  findings: [],
  summary: { errors: 0, warnings: 0, infos: 0 },
  database: { url: 'postgres://app:***@db:5432/app', database: 'app', serverVersion: '15.4', versionTable: { schema: 'public', name: 'alembic_version', revisions: ['a1'] } },
  versionLocations: ['alembic/versions'],
  notes: [],
};

const refused: PlanResult = {
  ...planned,
  ok: false,
  mode: 'offline',
  current: [],
  heads: ['b2', 'x9'],
  pending: [],
  database: null,
  summary: { errors: 1, warnings: 0, infos: 0 },
  findings: [
    {
      rule: 'multiple-heads',
      severity: 'error',
      file: 'alembic/versions/b2_add_users.py',
      line: 12,
      message: 'the history has 2 heads: b2 and x9; the lines parted after a1: alembic upgrade head fails with "Multiple head revisions are present"',
      hint: 'merge them: alembic merge -m "merge heads" b2 x9 (or alembic merge heads), and commit the merge revision',
    },
  ],
  notes: ['offline: no database URL, so every revision is pending, from an empty database'],
};

describe('plan reporters', () => {
  it('text: current, heads and the pending revisions in order, with their effects', () => {
    expect(formatPlanText(planned, { color: false })).toMatchSnapshot();
  });

  it('text: a refusal, with its finding under the file', () => {
    expect(formatPlanText(refused, { color: false })).toMatchSnapshot();
  });

  it.each([
    ['planned', planned],
    ['refused', refused],
  ])('JSON: one document the plan schema accepts (%s)', (_, result) => {
    const document = JSON.parse(formatPlanJson(result)) as unknown;
    expect(planSchemaErrors(document)).toEqual([]);
  });
});

describe('graph reporters', () => {
  const graph = buildRevisionGraph([
    { id: 'a1', downRevisions: [], dependsOn: [], branchLabels: [], file: 'a1.py', line: 1 },
    { id: 'b2', downRevisions: ['a1'], dependsOn: [], branchLabels: ['users'], file: 'b2.py', line: 1 },
    { id: 'x9', downRevisions: ['a1'], dependsOn: [], branchLabels: [], file: 'x9.py', line: 1 },
    { id: 'c3', downRevisions: ['b2', 'x9'], dependsOn: [], branchLabels: [], file: 'c3.py', line: 1 },
  ]);
  const marks = { current: ['a1'], pending: ['b2', 'x9', 'c3'] };

  it('Mermaid', () => {
    expect(formatMermaid(graph, marks)).toMatchSnapshot();
  });

  it('DOT', () => {
    expect(formatDot(graph, marks)).toMatchSnapshot();
  });
});
