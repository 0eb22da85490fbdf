// One attempt of one measurement, as every backend (a local process group, a Slurm job) runs it:
// the command through the shell in the attempt's folder context, the network on stdin and in the
// environment, stdout and stderr streamed to files in the attempt folder. The runner
// (runner.ts) reads the metrics from those files and decides what the outcome means.

export interface AttemptSpec {
  /** Measurement id (the folder name) and attempt number (1, 2, …). */
  id: string;
  attempt: number;
  /** The attempt's folder (exists); stdout and stderr are written there. */
  dir: string;
  command: string;
  cwd: string;
  /** The network as one JSON object (stdin and NCP_NETWORK). */
  network: string;
  /** Variables added to the environment (NCP_MEASUREMENT_ID, NCP_ATTEMPT, …). */
  env: Record<string, string>;
  /** Seconds before the attempt is stopped. */
  timeout: number;
  signal?: AbortSignal;
}

export type AttemptOutcome =
  /** The command ended: its status, or the signal that ended it. */
  | { kind: 'exited'; code: number | null; signal: string | null }
  | { kind: 'timeout' }
  /** The scheduler ended it (preempted, requeued, cancelled by someone else, node failure). */
  | { kind: 'lost'; reason: string }
  | { kind: 'start-error'; message: string }
  /** Stopped by our own interrupt (the signal): not a failure of the network. */
  | { kind: 'interrupted' };

export interface Backend {
  /** For messages: "local", "slurm". */
  readonly name: string;
  run(spec: AttemptSpec): Promise<AttemptOutcome>;
  /** Whether an attempt folder of an earlier run holds work still to wait for (a queued job). */
  canAttach?(dir: string): boolean;
  /** Ends what an earlier, killed run left running in an attempt folder before it is measured anew. */
  abandon?(dir: string): void;
}

export const STDOUT = 'stdout.txt';
export const STDERR = 'stderr.txt';
