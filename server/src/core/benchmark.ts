// Locating and loading the benchmark files. The data is not ours to ship: it is read from
// NCP_DATA_DIR or ../shared/data beside the checkout, never copied into the repository.
import { existsSync } from 'node:fs';
import { jsonErrorWhere, readTextFileSync } from './files';
import { join, resolve } from 'node:path';
import { CODE_LENGTH } from './space/multires';

export interface MrSettingInfo {
  task: string;
  label: string;
  metrics: string[];
}

export interface MrArch {
  code: number[];
  flops: number;
  params: number;
  /** Metrics per setting, in the setting's metric order (first is the main one). */
  results: Record<string, number[]>;
}

export interface MrBenchmark {
  settings: Record<string, MrSettingInfo>;
  archs: MrArch[];
}

export interface Nb201Arch {
  ops: number[];
  acc: number;
  flops: number;
  params: number;
}

export interface Nb201Benchmark {
  ops: string[];
  archs: Nb201Arch[];
}

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

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readTextFileSync(path);
  } catch (e) {
    throw new BenchmarkFormatError((e as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BenchmarkFormatError(`${path} is not valid JSON${jsonErrorWhere(e)}`);
  }
}

export function loadMrBenchmark(path: string): MrBenchmark {
  const raw = readJson(path) as { settings?: Record<string, MrSettingInfo>; archs?: Record<string, unknown>[] };
  if (!raw || typeof raw !== 'object' || !raw.settings || !Array.isArray(raw.archs)) {
    throw new BenchmarkFormatError(`${path}: expected an object with 'settings' and 'archs' (a NAS-Bench-MR file)`);
  }
  const names = Object.keys(raw.settings);
  const archs = raw.archs.map((a, i): MrArch => {
    const code = a.code;
    if (!Array.isArray(code) || code.length !== CODE_LENGTH || !code.every((v) => Number.isInteger(v))) {
      throw new BenchmarkFormatError(`${path}: archs[${i}].code is not ${CODE_LENGTH} integers`);
    }
    if (typeof a.flops !== 'number' || typeof a.params !== 'number') {
      throw new BenchmarkFormatError(`${path}: archs[${i}] lacks numeric flops/params`);
    }
    const results: Record<string, number[]> = {};
    for (const s of names) {
      const v = a[s];
      if (Array.isArray(v) && v.every((x) => typeof x === 'number')) results[s] = v as number[];
    }
    return { code: code as number[], flops: a.flops, params: a.params, results };
  });
  return { settings: raw.settings, archs };
}

export function loadNb201Benchmark(path: string): Nb201Benchmark {
  const raw = readJson(path) as { ops?: string[]; archs?: Nb201Arch[] };
  if (!raw || !Array.isArray(raw.ops) || !Array.isArray(raw.archs)) {
    throw new BenchmarkFormatError(`${path}: expected an object with 'ops' and 'archs' (a NAS-Bench-201 file)`);
  }
  raw.archs.forEach((a, i) => {
    if (!Array.isArray(a.ops) || a.ops.length !== 6 || typeof a.acc !== 'number') {
      throw new BenchmarkFormatError(`${path}: archs[${i}] needs 'ops' (6 integers) and numeric 'acc'`);
    }
  });
  return { ops: raw.ops, archs: raw.archs };
}
