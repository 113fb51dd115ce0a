import { spawnSync } from 'node:child_process';

/** One timed run of a whole process. */
export interface Measurement {
  readonly seconds: number;
  /** Peak resident set size of the process, in megabytes. */
  readonly peakRssMb: number;
  readonly code: number;
  readonly stderr: string;
}

/**
 * Python's resource module reports the peak RSS of a finished child, which Node cannot; the
 * wrapper's own start-up is outside the timed span.
 */
const WRAPPER = `
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "code": done.returncode, "stderr": done.stderr.decode(errors="replace")[-800:]}))
`;

/** Runs a command once and measures its wall time and peak RSS. */
export function measure(command: readonly string[], env: NodeJS.ProcessEnv = process.env): Measurement {
  const result = spawnSync('/usr/bin/python3', ['-c', WRAPPER, ...command], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`measurement wrapper failed: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout) as { seconds: number; maxrss_kb: number; code: number; stderr: string };
  return { seconds: parsed.seconds, peakRssMb: parsed.maxrss_kb / 1024, code: parsed.code, stderr: parsed.stderr };
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A command to time, with what counts as success. */
export interface TimedCommand {
  readonly command: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly acceptedCodes?: readonly number[];
}

/** The summary of one command's runs. */
export interface Timing {
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly peakRssMb: number;
  readonly failures: string[];
}

/**
 * Runs each command once to warm the file cache, then `runs` rounds of every command in turn, and
 * summarises each. Taking turns makes a machine whose load changes during the benchmark slow every
 * command alike, instead of whichever happened to run at the time.
 */
export function measureInterleaved(commands: readonly TimedCommand[], runs: number): Timing[] {
  for (const { command, env } of commands) measure(command, env);
  const measurements: Measurement[][] = commands.map(() => []);
  for (let round = 0; round < runs; round++) {
    commands.forEach(({ command, env }, index) => measurements[index]!.push(measure(command, env)));
  }
  return commands.map(({ acceptedCodes = [0] }, index) => {
    const own = measurements[index]!;
    return {
      medianSeconds: median(own.map((m) => m.seconds)),
      minSeconds: Math.min(...own.map((m) => m.seconds)),
      peakRssMb: Math.max(...own.map((m) => m.peakRssMb)),
      failures: own.filter((m) => !acceptedCodes.includes(m.code)).map((m) => `exit ${m.code}: ${m.stderr}`),
    };
  });
}
