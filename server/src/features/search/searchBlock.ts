// What a search block means to the editor: its objective, budgets and measurements file (resolved
// against the document's folder), and a bounded, cached read of that file. Shared by the
// "Suggest next networks" lens (searchSuggest.ts) and the hover on measured networks.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SearchDecl } from '../../language/ast';
import type { DocumentAnalysis } from '../../language/analyze';
import type { ObjectiveTerm } from '../../core/propagate/types';
import type { CostOptions } from '../../core/cost';
import { MeasurementsFormatError, readMeasurements } from '../../core/search/measurementsFile';
import type { Measurement } from '../../core/search/types';
import type { SuggestOptions } from '../../core/search/suggest';
import { codeSpan, escapeMarkdown } from '../documents/util';
import { measuringLine } from './searchRunning';

/** Largest measurements file the editor reads (a hand-run search has hundreds of rows, not millions). */
export const MAX_MEASUREMENTS_BYTES = 32 * 1024 * 1024;

export interface SearchSpec {
  decl: SearchDecl;
  space: 'multires' | 'nb201';
  objective: ObjectiveTerm[];
  flopsMax?: number;
  paramsMax?: number;
  /** The block's `input …`: the size its budgets count at (absent: 128×128, classification head). */
  cost?: CostOptions;
  lambda: number;
  seed: number;
  batch: number;
  /** Absolute path of the measurements file (undefined when the block names none). */
  path?: string;
}

export const DEFAULT_BATCH = 3;

export function searchDecls(a: DocumentAnalysis): SearchDecl[] {
  return a.ast.declarations.filter((d): d is SearchDecl => d.kind === 'search');
}

/** The measurements path of a block, absolute: relative paths resolve against the document's folder. */
export function measurementsPath(uri: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  if (isAbsolute(file)) return file;
  if (!uri.startsWith('file:')) return undefined;
  return resolve(dirname(fileURLToPath(uri)), file);
}

/** The block as a search to run, or the first problem that stops it (an error inside the block, no objective). */
/** What the block asks of a suggestion step (the lens and `ncprop run` alike); the caller adds ticks and cancellation. */
export function suggestOptionsOf(spec: SearchSpec, measurements: readonly Measurement[]): SuggestOptions {
  return {
    space: spec.space,
    measurements,
    objective: spec.objective,
    flopsMax: spec.flopsMax,
    paramsMax: spec.paramsMax,
    cost: spec.cost,
    lambda: spec.lambda,
    count: spec.batch,
    seed: spec.seed,
  };
}

export function searchSpec(a: DocumentAnalysis, uri: string, name: string, defaultLambda: number): SearchSpec | { problem: string } {
  const decl = searchDecls(a).find((d) => d.name === name);
  if (!decl) return { problem: `no search block '${name}'` };
  const err = a.diagnostics.find((x) => x.severity === 'error' && x.range.startOffset >= decl.range.startOffset && x.range.endOffset <= decl.range.endOffset);
  if (err) return { problem: `search '${name}' has errors (line ${err.range.start.line + 1}: ${err.message})` };
  if (decl.objectives.length === 0 || !decl.space) return { problem: `search '${name}' has nothing to maximize` };
  if (decl.measurements !== undefined && measurementsPath(uri, decl.measurements) === undefined) {
    return { problem: `search '${name}': the measurements path '${decl.measurements}' is relative, but the document is not a file (save it first)` };
  }
  return {
    decl,
    space: decl.space,
    objective: decl.objectives.map((o) => ({ weight: o.weight, setting: o.resolvedSetting!, metric: o.resolvedMetric! })),
    flopsMax: decl.flops?.limit,
    paramsMax: decl.params?.limit,
    ...(decl.options.costAt ? { cost: decl.options.costAt } : {}),
    lambda: decl.space === 'multires' ? (decl.options.lambda ?? defaultLambda) : 0,
    seed: decl.options.seed ?? 0,
    batch: decl.options.batch ?? DEFAULT_BATCH,
    path: measurementsPath(uri, decl.measurements),
  };
}

export class MeasurementsReadError extends Error {}

const cache = new Map<string, { mtimeMs: number; size: number; measurements: Measurement[] }>();

/**
 * The measurements of a file, or [] when it does not exist yet. Bounded (MAX_MEASUREMENTS_BYTES),
 * never repaired (the editor does not touch the search's file: `ncp search --resume` does that),
 * cached by modification time and size. Bad rows throw MeasurementsReadError naming file:line.
 */
export function loadMeasurements(path: string): Measurement[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  if (!st.isFile()) throw new MeasurementsReadError(`${path}: not a file`);
  if (st.size > MAX_MEASUREMENTS_BYTES) {
    throw new MeasurementsReadError(`${path}: ${(st.size / 1048576).toFixed(1)} MB, more than the ${MAX_MEASUREMENTS_BYTES / 1048576} MB the editor reads`);
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.measurements;
  let measurements: Measurement[];
  try {
    measurements = readMeasurements(path).measurements;
  } catch (e) {
    if (e instanceof MeasurementsFormatError) throw new MeasurementsReadError(e.message);
    throw e;
  }
  if (cache.size > 32) cache.clear();
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, measurements });
  return measurements;
}

/** Rows shown per network on hover (a network measured more often than that is unusual). */
const HOVER_ROWS = 5;

/**
 * Hover lines for a network or cell measured in a search block's measurements file: its measured
 * metrics (or why its measurement failed), per block that lists it. [] when none does.
 */
export function measuredMarkdown(a: DocumentAnalysis, uri: string, space: 'multires' | 'nb201', point: readonly number[]): string[] {
  const key = point.join(',');
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of searchDecls(a)) {
    if (d.space !== undefined && d.space !== space) continue;
    const path = measurementsPath(uri, d.measurements);
    if (!path || seen.has(path)) continue;
    seen.add(path);
    const measuring = measuringLine(path, space, point);
    if (measuring) out.push(measuring);
    let rows: Measurement[];
    try {
      rows = loadMeasurements(path).filter((m) => m.space === space && m.point.join(',') === key);
    } catch (e) {
      if (e instanceof MeasurementsReadError) {
        out.push(`_Search ${codeSpan(d.name)}: ${escapeMarkdown(e.message)}_`);
        continue;
      }
      throw e;
    }
    if (rows.length === 0) continue;
    out.push(`**Measured** (search ${codeSpan(d.name)}, ${codeSpan(d.measurements ?? "")}${rows.length > 1 ? `, ${rows.length} times` : ''}):`);
    for (const m of rows.slice(0, HOVER_ROWS)) {
      if (!m.ok) {
        out.push(`- failed: ${escapeMarkdown(m.error ?? 'no reason recorded')}`);
        continue;
      }
      const parts = Object.entries(m.metrics ?? {}).flatMap(([s, ms]) => Object.entries(ms).map(([k, v]) => `${escapeMarkdown(`${s}.${k}`)} **${v}**`));
      out.push(`- ${parts.join(', ')}${m.seconds > 0 ? ` (${m.seconds} s)` : ''}`);
    }
  }
  return out;
}
