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

/** Runs a command `runs` times (after one warm-up of the file cache) and summarises. */
export function measureMany(
  command: readonly string[],
  runs: number,
  options: { env?: NodeJS.ProcessEnv; acceptedCodes?: readonly number[] } = {},
): { medianSeconds: number; peakRssMb: number; failures: string[] } {
  const accepted = options.acceptedCodes ?? [0];
  measure(command, options.env);
  const measurements = Array.from({ length: runs }, () => measure(command, options.env));
  return {
    medianSeconds: median(measurements.map((m) => m.seconds)),
    peakRssMb: Math.max(...measurements.map((m) => m.peakRssMb)),
    failures: measurements.filter((m) => !accepted.includes(m.code)).map((m) => `exit ${m.code}: ${m.stderr}`),
  };
}
