export type Severity = 'error' | 'warning' | 'info';

/** One thing the gate found: what is wrong, where, and how to fix it. */
export interface Finding {
  /** The stable kebab-case id of the rule that reported it. */
  readonly rule: string;
  readonly severity: Severity;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** The schema object concerned, written as in the manifest (`name` or `schema.name`). */
  readonly object?: string;
  /** The migration file concerned, when there is one. */
  readonly file?: string;
  readonly line?: number;
  /** How to fix it. */
  readonly hint: string;
  /** Machine-readable facts behind the message (e.g. the labels that differ). */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * The severity the rule gave, when `--changed-since` reported the finding as `info` because its
   * file is unchanged since the merge base.
   */
  readonly demotedFrom?: Exclude<Severity, 'info'>;
}

/** What a rule reports; the registry fills in its id and severity. */
export type FindingDraft = Omit<Finding, 'rule' | 'severity' | 'demotedFrom'> & { readonly severity?: Severity };

