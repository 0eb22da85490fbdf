// Several data files as one: rows of the same network join (one setting from each file), and
// any fact two files state differently — a metric, FLOPs, params, a setting's metric list — is
// an error naming both places, never a silent pick.
import { DataError, entryKey, type DataEntry, type Dataset, type DataSetting } from './types';

/** Benchmark files round differently (NB201's JSON keeps 4 decimals): closer than this is the same value. */
function same(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= 5e-4 + rel * Math.max(Math.abs(a), Math.abs(b));
}

function joinSetting(have: DataSetting, next: DataSetting, file: string): void {
  if (have.space !== next.space) throw new DataError(`${file}: setting '${next.name}' holds ${next.space} networks, an earlier file holds ${have.space} ones`, file);
  if (have.metrics.join() !== next.metrics.join()) {
    const sameSet = have.metrics.length === next.metrics.length && have.metrics.every((m) => next.metrics.includes(m));
    if (!sameSet) throw new DataError(`${file}: setting '${next.name}' has metrics ${next.metrics.join(', ')}; an earlier file has ${have.metrics.join(', ')}`, file);
  }
  have.label ??= next.label;
  // a task left at its default (the setting's own name) takes one another file declares
  if (have.task === have.name) have.task = next.task;
}

/** Adds `b`'s entries into `into` (mutated), checking every overlap. */
function joinEntry(into: DataEntry, b: DataEntry, settings: Map<string, DataSetting>, bSettings: Map<string, DataSetting>): void {
  for (const f of ['flops', 'params'] as const) {
    const x = into[f];
    const y = b[f];
    if (x !== undefined && y !== undefined && !same(x, y, 1e-3)) {
      throw new DataError(`${b.origin.cost}: field '${f}' = ${y} disagrees with ${x} for the same network in ${into.origin.cost}`);
    }
    if (x === undefined && y !== undefined) into[f] = y;
  }
  for (const [s, values] of Object.entries(b.results)) {
    const target = settings.get(s)!;
    const from = bSettings.get(s)!;
    // put b's values in the merged setting's metric order
    const ordered = target.metrics.map((m) => values[from.metrics.indexOf(m)]);
    const old = into.results[s];
    if (old) {
      const k = old.findIndex((v, j) => !same(v, ordered[j], 1e-6));
      if (k >= 0) {
        throw new DataError(`${b.origin[s]}: setting '${s}', field '${target.metrics[k]}' = ${ordered[k]} disagrees with ${old[k]} for the same network in ${into.origin[s]}`);
      }
      continue;
    }
    into.results[s] = ordered;
    into.origin[s] = b.origin[s];
    if (b.notes?.[s]) (into.notes ??= {})[s] = b.notes[s];
  }
}

/** One dataset from several (in order); a single one is checked for repeated networks too. */
export function mergeDatasets(parts: readonly Dataset[]): Dataset {
  const settings = new Map<string, DataSetting>();
  const byKey = new Map<string, DataEntry>();
  const out: Dataset = { sources: [], settings: [], entries: [], warnings: [] };
  for (const d of parts) {
    const local = new Map(d.settings.map((s) => [s.name, s]));
    for (const s of d.settings) {
      const have = settings.get(s.name);
      if (have) joinSetting(have, s, d.sources.join(', '));
      else {
        const copy = { ...s, metrics: [...s.metrics] };
        settings.set(s.name, copy);
        out.settings.push(copy);
      }
    }
    for (const e of d.entries) {
      const key = entryKey(e.space, e.code);
      const have = byKey.get(key);
      if (have) {
        joinEntry(have, e, settings, local);
        continue;
      }
      const fresh: DataEntry = { space: e.space, code: e.code, flops: e.flops, params: e.params, results: {}, origin: { cost: e.origin.cost } };
      byKey.set(key, fresh);
      out.entries.push(fresh);
      joinEntry(fresh, e, settings, local);
    }
    out.sources.push(...d.sources);
    out.warnings.push(...d.warnings);
    if (d.failed) (out.failed ??= []).push(...d.failed);
  }
  return out;
}
