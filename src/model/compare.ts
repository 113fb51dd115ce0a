import type { QualifiedName } from './names.js';
import type { EnumType, SchemaState } from './schema-state.js';

/** A label that sits at a different position in the two lists. */
export interface LabelMove {
  readonly label: string;
  /** 1-based position in the expected list. */
  readonly expectedPosition: number;
  /** 1-based position in the actual list. */
  readonly actualPosition: number;
}

/** How the labels of one enum differ between an expected and an actual state. */
export interface EnumLabelDiff {
  readonly enumType: QualifiedName;
  readonly expected: readonly string[];
  readonly actual: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  /** Labels present in both lists whose relative order differs. Empty when only missing/extra. */
  readonly moved: readonly LabelMove[];
}

/** Everything that differs between an expected state (a manifest) and an actual one. */
export interface SchemaDiff {
  readonly missingEnums: readonly EnumType[];
  readonly unexpectedEnums: readonly EnumType[];
  readonly enumLabelDiffs: readonly EnumLabelDiff[];
  readonly missingTables: readonly QualifiedName[];
  readonly unexpectedTables: readonly QualifiedName[];
}

/**
 * Compares the labels of one enum. Order matters because PostgreSQL sorts and compares enum values
 * by their position, so `['b', 'a']` is a different type from `['a', 'b']`.
 */
export function diffLabels(enumType: QualifiedName, expected: readonly string[], actual: readonly string[]): EnumLabelDiff | undefined {
  const actualSet = new Set(actual);
  const expectedSet = new Set(expected);
  const missing = expected.filter((label) => !actualSet.has(label));
  const extra = actual.filter((label) => !expectedSet.has(label));
  const commonExpected = expected.filter((label) => actualSet.has(label));
  const commonActual = actual.filter((label) => expectedSet.has(label));
  const inPlace = longestCommonSubsequence(commonExpected, commonActual);
  const moved: LabelMove[] = commonExpected
    .filter((label) => !inPlace.has(label))
    .map((label) => ({ label, expectedPosition: expected.indexOf(label) + 1, actualPosition: actual.indexOf(label) + 1 }));
  if (missing.length === 0 && extra.length === 0 && moved.length === 0) return undefined;
  return { enumType: { schema: enumType.schema, name: enumType.name }, expected, actual, missing, extra, moved };
}

/**
 * The labels of the longest common subsequence of two lists of distinct labels: the ones that can
 * stay where they are, so that the others are the fewest labels that moved.
 */
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): Set<string> {
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const kept = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i += 1;
      j += 1;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) {
      i += 1;
    } else {
      j += 1;
    }
  }
  return kept;
}

/** Compares two states; the result lists objects in name order. */
export function compareStates(expected: SchemaState, actual: SchemaState): SchemaDiff {
  const missingEnums: EnumType[] = [];
  const enumLabelDiffs: EnumLabelDiff[] = [];
  for (const [key, expectedEnum] of expected.enums) {
    const actualEnum = actual.enums.get(key);
    if (!actualEnum) {
      missingEnums.push(expectedEnum);
      continue;
    }
    const labelDiff = diffLabels(expectedEnum, expectedEnum.labels, actualEnum.labels);
    if (labelDiff) enumLabelDiffs.push(labelDiff);
  }
  const unexpectedEnums = [...actual.enums].filter(([key]) => !expected.enums.has(key)).map(([, value]) => value);
  const missingTables = [...expected.tables].filter(([key]) => !actual.tables.has(key)).map(([, value]) => value);
  const unexpectedTables = [...actual.tables].filter(([key]) => !expected.tables.has(key)).map(([, value]) => value);
  return { missingEnums, unexpectedEnums, enumLabelDiffs, missingTables, unexpectedTables };
}
