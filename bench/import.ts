// Reading the authors' files (issue 16): the time to read all eight NAS-Bench-MR settings of
// their data/ folder (goal < 1 s) and the NAS-Bench-201 pickle, each read cold in a fresh
// process would include module loading; these are in-process reads after one warm-up, median of
// --runs, plus the first (cold) read.
// Usage: node --import tsx bench/import.ts [--data DIR] [--runs 5]
// DIR: the authors' data/ folder (default: NCP_AUTHORS_DATA, else ../shared/data/authors-dev).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findDataDir } from '../server/src/core/benchmark';
import { loadData, mergeDatasets, type Dataset } from '../server/src/core/data';

const { values } = parseArgs({ options: { data: { type: 'string' }, runs: { type: 'string', default: '5' } } });
const dir = values.data ?? process.env.NCP_AUTHORS_DATA ?? (findDataDir() ? join(findDataDir()!, 'authors-dev') : undefined);
if (!dir || !existsSync(dir)) {
  console.error("bench/import: the authors' data folder was not found (--data DIR or NCP_AUTHORS_DATA)");
  process.exit(2);
}
const runs = Math.max(1, Number(values.runs));
const mrFiles = readdirSync(dir).filter((s) => s !== 'nas-bench-201' && existsSync(join(dir, s, 'trainval.pkl'))).sort().map((s) => join(dir, s, 'trainval.pkl'));
const nbFile = join(dir, 'nas-bench-201', 'trainval.pkl');

function time<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(label: string, f: () => Dataset): void {
  const cold = time(f);
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(time(f).ms);
  const d = cold.value;
  console.log(`${label.padEnd(44)} first ${cold.ms.toFixed(0).padStart(5)} ms   median of ${runs} ${median(warm).toFixed(0).padStart(5)} ms   ${d.settings.length} setting(s), ${d.entries.length} rows`);
}

console.log(`bench/import: ${dir}`);
measure(`${mrFiles.length} NAS-Bench-MR settings (read + merged)`, () => mergeDatasets(mrFiles.map((f) => loadData(f))));
if (existsSync(nbFile)) measure('NAS-Bench-201 pickle', () => loadData(nbFile));
measure("the whole folder (loadData(DIR))", () => loadData(dir));
