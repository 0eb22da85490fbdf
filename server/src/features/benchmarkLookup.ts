// Measured values from a benchmark file the user points `ncp.benchmark.path` at. The file is read
// once per path and modification time, in the background of the first hover that needs it.
import { stat } from 'node:fs/promises';
import { jsonErrorWhere, readTextFile } from '../core/files';
import { isAbsolute, resolve } from 'node:path';
import { CODE_LENGTH } from '../core/space/multires';

export interface MeasuredNetwork {
  flops: number;
  params: number;
  /** setting → metric values, in the setting's metric order. */
  results: Record<string, number[]>;
}

export interface MeasuredCell {
  acc: number;
  flops: number;
  params: number;
}

export interface BenchmarkIndex {
  path: string;
  /** setting → metric names (multi-resolution files). */
  settings: Record<string, string[]>;
  networks: Map<string, MeasuredNetwork>;
  cells: Map<string, MeasuredCell>;
}

function isNumArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Builds the index of either benchmark format; throws an Error naming the file and what is wrong. */
export function indexBenchmark(path: string, text: string): BenchmarkIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // where, not what: the file may be anything (a user pointed the setting at /etc/passwd)
    throw new Error(`${path} is not valid JSON${jsonErrorWhere(e)}`);
  }
  const r = (raw ?? {}) as { settings?: Record<string, { metrics?: unknown }>; archs?: unknown; ops?: unknown };
  if (!Array.isArray(r.archs)) throw new Error(`${path}: expected a NAS-Bench-MR or NAS-Bench-201 file (an object with 'archs')`);
  const index: BenchmarkIndex = { path, settings: {}, networks: new Map(), cells: new Map() };
  if (r.settings && typeof r.settings === 'object') {
    for (const [name, info] of Object.entries(r.settings)) {
      index.settings[name] = Array.isArray(info?.metrics) ? info.metrics.filter((m): m is string => typeof m === 'string') : [];
    }
  }
  for (const a of r.archs as Record<string, unknown>[]) {
    if (!a || typeof a !== 'object') continue;
    const flops = typeof a.flops === 'number' ? a.flops : NaN;
    const params = typeof a.params === 'number' ? a.params : NaN;
    if (isNumArray(a.code) && a.code.length === CODE_LENGTH) {
      const results: Record<string, number[]> = {};
      for (const s of Object.keys(index.settings)) if (isNumArray(a[s])) results[s] = a[s] as number[];
      index.networks.set(a.code.join(','), { flops, params, results });
    } else if (isNumArray(a.ops) && a.ops.length === 6 && typeof a.acc === 'number') {
      index.cells.set(a.ops.join(','), { acc: a.acc, flops, params });
    }
  }
  return index;
}

/** The one read of a benchmark file (regular files only, bounded in size and time). */
export function readBenchmarkText(path: string): Promise<string> {
  return readTextFile(path);
}

export class BenchmarkLookup {
  private current: { key: string; index: Promise<BenchmarkIndex | undefined> } | undefined;
  private lastError = '';

  constructor(private readonly log: (message: string) => void) {}

  /** The index for `path` (relative paths against `base`), or undefined when unset or unreadable. */
  async get(path: string, base?: string): Promise<BenchmarkIndex | undefined> {
    if (!path) return undefined;
    const full = isAbsolute(path) || !base ? path : resolve(base, path);
    let mtime = 0;
    try {
      // stat, not open: a FIFO or device is judged by readBenchmarkText without blocking
      const st = await stat(full);
      mtime = st.mtimeMs;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.report(`ncp.benchmark.path: cannot read ${full}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      return undefined;
    }
    const key = `${full}@${mtime}`;
    if (this.current?.key !== key) {
      this.current = {
        key,
        index: readBenchmarkText(full).then((text) => indexBenchmark(full, text)).catch((e: Error) => {
          this.report(`ncp.benchmark.path: ${e.message}`);
          return undefined;
        }),
      };
    }
    return this.current.index;
  }

  /** Logs each distinct problem once, so a bad path does not flood the log on every hover. */
  private report(message: string): void {
    if (message === this.lastError) return;
    this.lastError = message;
    this.log(message);
  }
}
