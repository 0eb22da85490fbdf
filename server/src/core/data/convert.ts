// The dataset in the forms its users need: our JSON benchmark form (what `ncp import` writes,
// docs/benchmark.schema.json) and the NAS-Bench-201 table the nb201 experiment reads.
import { NB201_EDGES, NB201_OPS } from '../space/nb201';
import type { MrBenchmark, Nb201Benchmark } from '../benchmarkTypes';
import { DataError, type Dataset } from './types';

export const BENCHMARK_FORMAT = 'ncp-benchmark';
export const BENCHMARK_FORMAT_VERSION = 1;

const round = (x: number) => Math.round(x * 1e9) / 1e9;

/**
 * Our JSON form. Multi-resolution networks go to 'archs' (one array of metric values per setting);
 * NAS-Bench-201 cells to 'archs' of a NAS-Bench-201 file when there are only cells, else to 'cells'.
 */
export function toBenchmarkJson(d: Dataset, name: string): Record<string, unknown> {
  const source = `imported by ncp from ${d.sources.join(', ')}`;
  const networks = d.entries.filter((e) => e.space === 'multires');
  const cells = d.entries.filter((e) => e.space === 'nb201');
  const cellSettings = d.settings.filter((s) => s.space === 'nb201');
  const onlyNb201 = networks.length === 0 && cellSettings.length === 1 && cellSettings[0].name === 'nb201' && cellSettings[0].metrics.join() === 'acc';
  if (onlyNb201) {
    return {
      format: BENCHMARK_FORMAT,
      formatVersion: BENCHMARK_FORMAT_VERSION,
      name,
      source,
      ops: [...NB201_OPS],
      edges: [...NB201_EDGES],
      archs: cells.map((c) => ({ ops: c.code, acc: c.results.nb201[0], ...(c.flops !== undefined ? { flops: round(c.flops) } : {}), ...(c.params !== undefined ? { params: round(c.params) } : {}) })),
    };
  }
  const settings = Object.fromEntries(d.settings.map((s) => [s.name, { task: s.task, ...(s.label ? { label: s.label } : {}), metrics: s.metrics, ...(s.space === 'nb201' ? { space: 'nb201' } : {}) }]));
  const row = (e: Dataset['entries'][number], key: 'code' | 'ops') => {
    if (e.space === 'multires' && (e.flops === undefined || e.params === undefined)) throw new DataError(`${e.origin.cost}: flops and params are needed to write a NAS-Bench-MR file`);
    return {
      [key]: e.code,
      ...(e.flops !== undefined ? { flops: round(e.flops) } : {}),
      ...(e.params !== undefined ? { params: round(e.params) } : {}),
      ...Object.fromEntries(d.settings.filter((s) => e.results[s.name]).map((s) => [s.name, e.results[s.name]])),
      ...(e.notes ? { notes: e.notes } : {}),
    };
  };
  return {
    format: BENCHMARK_FORMAT,
    formatVersion: BENCHMARK_FORMAT_VERSION,
    name,
    source,
    settings,
    archs: networks.map((e) => row(e, 'code')),
    ...(cells.length > 0 ? { ops: [...NB201_OPS], cells: cells.map((e) => row(e, 'ops')) } : {}),
  };
}

/** The NAS-Bench-201 table (cells with the main metric of `setting`, default the only cell setting). */
export function toNb201Benchmark(d: Dataset, setting?: string): Nb201Benchmark {
  const cellSettings = d.settings.filter((s) => s.space === 'nb201');
  const s = setting ? cellSettings.find((x) => x.name === setting) : (cellSettings.find((x) => x.name === 'nb201') ?? cellSettings[0]);
  if (!s) throw new DataError(`${d.sources.join(', ')}: no NAS-Bench-201 cells in the data`);
  const archs = d.entries
    .filter((e) => e.space === 'nb201' && e.results[s.name])
    .map((e) => ({ ops: e.code, acc: e.results[s.name][0], flops: e.flops ?? NaN, params: e.params ?? NaN }));
  return { ops: [...NB201_OPS], archs };
}

/** The multi-resolution look-up table (`ncp search --data`): networks with FLOPs and params, metrics per setting. */
export function toMrBenchmark(d: Dataset): MrBenchmark {
  const settings = d.settings.filter((s) => s.space === 'multires');
  if (settings.length === 0) throw new DataError(`${d.sources.join(', ')}: no multi-resolution networks in the data`);
  const archs = d.entries
    .filter((e) => e.space === 'multires' && e.flops !== undefined && e.params !== undefined)
    .map((e) => ({ code: e.code, flops: e.flops!, params: e.params!, results: { ...e.results } }));
  return { settings: Object.fromEntries(settings.map((s) => [s.name, { task: s.task, label: s.label ?? s.name, metrics: [...s.metrics] }])), archs };
}
