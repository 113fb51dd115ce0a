/** Types of github-action.mjs, for its tests (the script itself runs unbuilt from the action's checkout). */

export declare const EXIT: { readonly safe: 0; readonly findings: 1; readonly invalidInput: 2; readonly internal: 70 };
export declare const NODE_REQUIREMENT: string;

/** A problem with the action's inputs or its environment: one line, and the exit code to report. */
export declare class ActionError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode?: number);
}

export declare function nodeSatisfies(version: string): boolean;
export declare function splitArguments(text: string): string[];
export declare function actionPackageVersion(): string;

/** One planned run: npx's arguments and the report format. */
export interface PlannedRun {
  readonly format: 'github' | 'sarif';
  readonly args: string[];
}

export declare function planRuns(env: Record<string, string | undefined>, defaultVersion?: string): { changedSince: string | undefined; runs: PlannedRun[] };
export declare function runAction(env?: Record<string, string | undefined>, cwd?: string): Promise<number>;
