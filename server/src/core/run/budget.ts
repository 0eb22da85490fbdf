// The time and memory budget of one run (a propagation, a search, a training run): checked
// between steps, it ends the run with BudgetExceeded before the process runs out of memory or the
// user's patience, and tells a progress reporter when a second has passed without a report.
// No LSP or VS Code imports: the CLI, the language server and the search share it.

/** Defaults: 500 MB of memory above what the process used when the run started, 10 minutes. */
export const DEFAULT_MAX_MEMORY_MB = 500;
export const DEFAULT_MAX_SECONDS = 600;

export interface RunLimits {
  /** Memory (resident set) the run may add to what the process used at its start, in MB. */
  maxMemoryMB?: number;
  /** Wall-clock time of the run, in seconds. */
  maxSeconds?: number;
}

/** The run went over its budget; `kind` says which limit, the message says by how much. */
export class BudgetExceeded extends Error {
  constructor(
    readonly kind: 'memory' | 'time',
    message: string,
  ) {
    super(message);
    this.name = 'BudgetExceeded';
  }
}

/** A measurement of memory in bytes (injectable so tests can simulate growth). */
export type MemoryProbe = () => number;

const rss: MemoryProbe = () => process.memoryUsage.rss();

export class RunBudget {
  readonly maxMemoryMB: number;
  readonly maxSeconds: number;
  private readonly startBytes: number;
  private readonly startMs: number;
  private lastProbeMs = 0;
  private lastReportMs: number;
  /** Highest memory seen above the start, in MB. */
  peakMB = 0;

  constructor(
    limits: RunLimits = {},
    private readonly probe: MemoryProbe = rss,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.maxMemoryMB = positive(limits.maxMemoryMB, DEFAULT_MAX_MEMORY_MB, 'maxMemoryMB');
    this.maxSeconds = positive(limits.maxSeconds, DEFAULT_MAX_SECONDS, 'maxSeconds');
    this.startBytes = this.probe();
    this.startMs = this.now();
    this.lastReportMs = this.startMs;
  }

  /** Seconds since the run started. */
  elapsedSeconds(): number {
    return (this.now() - this.startMs) / 1000;
  }

  /**
   * Throws BudgetExceeded when the run is over time or memory. Cheap enough to call every step:
   * memory is sampled at most every 20 ms.
   */
  check(): void {
    const t = this.now();
    if ((t - this.startMs) / 1000 > this.maxSeconds) {
      throw new BudgetExceeded('time', `the run took longer than its time budget of ${this.maxSeconds} s (set ncp.run.maxSeconds or --max-time)`);
    }
    if (t - this.lastProbeMs < 20) return;
    this.lastProbeMs = t;
    const grown = (this.probe() - this.startBytes) / 2 ** 20;
    if (grown > this.peakMB) this.peakMB = grown;
    if (grown > this.maxMemoryMB) {
      throw new BudgetExceeded(
        'memory',
        `the run used ${Math.round(grown)} MB more than at its start, over its memory budget of ${this.maxMemoryMB} MB (set ncp.run.maxMemoryMB or --max-memory)`,
      );
    }
  }

  /** True once a second has passed since the last call that returned true: time to report progress. */
  progressDue(intervalMs = 1000): boolean {
    const t = this.now();
    if (t - this.lastReportMs < intervalMs) return false;
    this.lastReportMs = t;
    return true;
  }
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a number > 0, got ${v}`);
  return v;
}
