// The measuring search over a measurements file, as `ncprop search --measure CMD --out FILE --resume`
// runs it: the file's measurements count (one per network, the latest), measurements an interrupt
// cut short are measured again first, each measurement runs in its own folder beside the file
// (runs/<id>/attempt-<k>/) on a local process group, and every measurement is appended to the file
// as it arrives (whole lines, so a cancelled search leaves the file consistent). Shared by the
// editor's "Run search" lens; the CLI adds its own flags (Slurm, retries of failures, devices).
import { existsSync } from 'node:fs';
import { runAsyncSearch } from '../asyncLoop';
import { pointKey, runSearch } from '../loop';
import { appendMeasurement, readMeasurements } from '../measurementsFile';
import type { Measurement, SearchOptions, SearchResult, SpaceKind } from '../types';
import type { ObjectiveTerm } from '../../propagate/types';
import type { SettingCatalogue } from '../../settings';
import type { Backend } from './backend';
import { MetricsChecker } from './checks';
import { RunFolders, runsDirFor } from './folders';
import { LocalBackend } from './local';
import { MeasurementRunner, type RunnerOptions } from './runner';

/** One measurement per network, the latest (a retried failure is superseded by its retry). */
export function latestPerNetwork(ms: readonly Measurement[]): Measurement[] {
  const last = new Map<string, number>();
  ms.forEach((m, i) => last.set(pointKey(m.point), i));
  return ms.filter((m, i) => last.get(pointKey(m.point)) === i);
}

export interface MeasuredSearchOptions {
  space: SpaceKind;
  objective: readonly ObjectiveTerm[];
  catalogue?: SettingCatalogue;
  /** The measuring command (through the shell), run in cwd. */
  command: string;
  cwd: string;
  /** The measurements file (absolute): read (repaired: a half-written last line is cut), then appended. */
  out: string;
  /** New measurements this run makes (the file's count on top). */
  more: number;
  jobs: number;
  timeout: number;
  lambda?: number;
  flopsMax?: number;
  paramsMax?: number;
  seed?: number;
  backend?: Backend;
  signal?: AbortSignal;
  onProgress?: SearchOptions['onProgress'];
  onMeasurement?: (m: Measurement, index: number) => void;
  onAttempt?: RunnerOptions['onAttempt'];
}

export interface MeasuredSearchRun extends SearchResult {
  /** Measurements in the file before this run (one per network). */
  resumed: number;
  /** Measurements an interrupt cut short, measured again first. */
  cutShort: number;
  /** What reading the file repaired. */
  fileNotes: string[];
}

export async function runMeasuredSearch(o: MeasuredSearchOptions): Promise<MeasuredSearchRun> {
  let history: Measurement[] = [];
  let fileNotes: string[] = [];
  if (existsSync(o.out)) {
    const r = readMeasurements(o.out, { repair: true });
    history = latestPerNetwork(r.measurements);
    fileNotes = r.notes;
  }
  const recorded = new Set(history.flatMap((m) => (m.id !== undefined ? [m.id] : [])));
  const folders = new RunFolders(runsDirFor(o.out), recorded);
  const measuredKeys = new Set(history.map((m) => pointKey(m.point)));
  const first: { point: number[]; id: string }[] = [];
  for (const p of folders.pending(recorded)) {
    if (p.space !== o.space || measuredKeys.has(pointKey(p.point))) continue;
    first.push({ point: p.point, id: p.id });
    measuredKeys.add(pointKey(p.point));
  }
  const ids = new Map(first.map((f) => [pointKey(f.point), f.id] as const));
  const checker = new MetricsChecker(o.space, o.objective, o.catalogue, history);
  const runner = new MeasurementRunner({
    space: o.space,
    command: o.command,
    cwd: o.cwd,
    backend: o.backend ?? new LocalBackend(),
    folders,
    checker,
    timeout: o.timeout,
    idFor: (p) => ids.get(pointKey(p)),
    onAttempt: o.onAttempt,
  });
  const res = await (o.jobs > 1 ? runAsyncSearch : runSearch)(
    {
      space: o.space,
      objective: o.objective,
      lambda: o.space === 'multires' ? o.lambda : undefined,
      flopsMax: o.flopsMax,
      paramsMax: o.paramsMax,
      queries: history.length + Math.max(o.more, first.length),
      seed: o.seed,
      history,
      first: first.map((f) => f.point),
      jobs: o.jobs,
      signal: o.signal,
      onProgress: o.onProgress,
      onMeasurement: (m, i) => {
        appendMeasurement(o.out, m);
        o.onMeasurement?.(m, i);
      },
    },
    runner,
  );
  return { ...res, resumed: history.length, cutShort: first.length, fileNotes };
}
