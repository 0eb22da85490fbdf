// Locating and loading the benchmark files. The data is not ours to ship: it is read from
// NCP_DATA_DIR or ../shared/data beside the checkout, never copied into the repository.
import { existsSync } from 'node:fs';
import { DataError, loadData, toMrBenchmark, toNb201Benchmark, type Dataset } from './data';
import { join, resolve } from 'node:path';

export type { MrSettingInfo, MrArch, MrBenchmark, Nb201Arch, Nb201Benchmark } from './benchmarkTypes';
import type { MrBenchmark, Nb201Benchmark } from './benchmarkTypes';

/** The folder holding the benchmark files, or undefined when none is found. */
export function findDataDir(): string | undefined {
  const candidates = [
    process.env.NCP_DATA_DIR,
    resolve(__dirname, '../../../../shared/data'), // server/src/core → checkout/.. (tsx)
    resolve(__dirname, '../../shared/data'), // dist/ → checkout/.. (bundle)
    resolve(process.cwd(), '../shared/data'),
  ].filter((d): d is string => typeof d === 'string' && d.length > 0);
  return candidates.find((d) => existsSync(join(d, 'nasbench-mr.json')) || existsSync(join(d, 'nasbench201.json')));
}

export class BenchmarkFormatError extends Error {}

// Both tables are views of what core/data reads (one reader for every format and its checks);
// its errors are this module's BenchmarkFormatError for the callers that catch that.
function viaData<T>(path: string, view: (d: Dataset) => T): T {
  try {
    return view(loadData(path));
  } catch (e) {
    if (e instanceof DataError) throw new BenchmarkFormatError(e.message);
    throw e;
  }
}

export function loadMrBenchmark(path: string): MrBenchmark {
  return viaData(path, toMrBenchmark);
}

export function loadNb201Benchmark(path: string): Nb201Benchmark {
  return viaData(path, (d) => toNb201Benchmark(d));
}
