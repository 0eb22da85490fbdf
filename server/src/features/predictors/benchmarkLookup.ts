// Measured values from a benchmark file the user points `ncp.benchmark.path` at. The file is read
// once per path and modification time, in the background of the first hover that needs it.
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { loadDataAsync, parseData, type Dataset } from '../../core/data';

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

/** The hover's index of a dataset: networks and cells by their numbers. */
export function indexDataset(path: string, d: Dataset): BenchmarkIndex {
  const index: BenchmarkIndex = { path, settings: {}, networks: new Map(), cells: new Map() };
  for (const s of d.settings) if (s.space === 'multires') index.settings[s.name] = [...s.metrics];
  const cellSetting = d.settings.find((s) => s.space === 'nb201' && s.name === 'nb201') ?? d.settings.find((s) => s.space === 'nb201');
  for (const e of d.entries) {
    if (e.space === 'multires') index.networks.set(e.code.join(','), { flops: e.flops ?? NaN, params: e.params ?? NaN, results: e.results });
    else if (cellSetting && e.results[cellSetting.name]) index.cells.set(e.code.join(','), { acc: e.results[cellSetting.name][0], flops: e.flops ?? NaN, params: e.params ?? NaN });
  }
  return index;
}

/** Builds the index of any data file's content (core/data reads it); throws an Error naming the file, row and field. */
export function indexBenchmark(path: string, content: string | Uint8Array): BenchmarkIndex {
  return indexDataset(path, parseData(path, typeof content === 'string' ? Buffer.from(content) : content));
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
        // any data the CLI reads: our JSON, a pickle, the authors' folder, measurement files
        index: loadDataAsync(full).then((d) => indexDataset(full, d)).catch((e: Error) => {
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
