// Whether scored networks are the ones a predictor set was trained on — by the networks, not by
// the file's name (#27): `eval --data authors-dev/seg/trainval.pkl` scores the shipped predictors
// on their own training networks although the file is not called nasbench-mr.json. The training
// networks are rebuilt from the manifest's `data` records: the files they name (the absolute
// `paths` newer manifests keep, else the name in the data folder), split as they were
// (`holdout`, `splitSeed`). A record whose file cannot be found is left out (then 'other').
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findDataDir } from '../core/benchmark';
import { loadDataSources } from '../core/data';
import { entryKey, type DataEntry } from '../core/data/types';
import { splitIndices } from '../core/random';
import { readManifest } from '../core/predict/store';

export type Split = 'held-out' | 'training' | 'mixed' | 'other';

interface DataRecord {
  file?: unknown;
  paths?: unknown;
  holdout?: unknown;
  splitSeed?: unknown;
}

function recordFiles(r: DataRecord): string[] {
  if (Array.isArray(r.paths) && r.paths.every((p) => typeof p === 'string') && r.paths.every((p) => existsSync(p))) return r.paths as string[];
  if (typeof r.file !== 'string') return [];
  const dir = findDataDir();
  const names = r.file.split(' + ').map((n) => basename(n));
  const found = dir ? names.map((n) => join(dir, n)) : [];
  return found.length > 0 && found.every((p) => existsSync(p)) ? found : [];
}

/** The keys (entryKey) of the networks the predictors in `dir` were trained on, or undefined when their data cannot be found. */
export function trainingNetworks(dir: string): Set<string> | undefined {
  let data: unknown;
  try {
    data = readManifest(dir).data;
  } catch {
    return undefined;
  }
  const records = [data].flat().filter((d): d is DataRecord => !!d && typeof d === 'object');
  const out = new Set<string>();
  let found = false;
  for (const r of records) {
    const files = recordFiles(r);
    if (files.length === 0) continue;
    let entries: DataEntry[];
    try {
      entries = loadDataSources(files).entries;
    } catch {
      continue;
    }
    found = true;
    const holdout = typeof r.holdout === 'number' ? r.holdout : 0;
    const seed = typeof r.splitSeed === 'number' ? r.splitSeed : 1;
    const keep = holdout > 0 ? splitIndices(entries.length, holdout, seed).train : entries.map((_, i) => i);
    for (const i of keep) out.add(entryKey(entries[i].space, entries[i].code));
  }
  return found ? out : undefined;
}

/** How the scored networks relate to the training networks: all of them trained on, some, none. */
export function overlapSplit(scored: readonly DataEntry[], training: ReadonlySet<string> | undefined): { split: Split; trained: number } {
  if (!training || scored.length === 0) return { split: 'other', trained: 0 };
  let trained = 0;
  for (const e of scored) if (training.has(entryKey(e.space, e.code))) trained++;
  return { split: trained === 0 ? 'held-out' : trained === scored.length ? 'training' : 'mixed', trained };
}
