// The measuring search over a measurements file, as `ncprop search --measure CMD --out FILE --resume`
// runs it: the file's measurements count (one per network, the latest), measurements an interrupt
// cut short are measured again first, each measurement runs in its own folder beside the file
// (runs/<id>/attempt-<k>/) on a local process group, and every measurement is appended to the file
// as it arrives (whole lines, so a cancelled search leaves the file consistent). Shared by the
// editor's "Run search" lens; the CLI adds its own flags (Slurm, retries of failures, devices).
import type { PriorSource } from '../prior';
import { existsSync } from 'node:fs';
import { runAsyncSearch } from '../asyncLoop';
import { pointKey, runSearch } from '../loop';
import { appendMeasurement, readMeasurements } from '../measurementsFile';
import type { Measurement, SearchOptions, SearchResult, SpaceKind } from '../types';
import type { ObjectiveTerm } from '../../propagate/types';
import type { SettingCatalogue } from '../../settings';
import type { CostOptions } from '../../cost';
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
  /** Attempts more for a failure that looks like the infrastructure's; back-off from retryDelay s. */
  retries?: number;
  retryDelay?: number;
  /** Consecutive failures with the same error after which the command counts as broken (default 5). */
  brokenAfter?: number;
  /** Predictors as the surrogate's prior (as `ncprop search`'s default); undefined: the cold loop. */
  prior?: PriorSource;
  lambda?: number;
  flopsMax?: number;
  paramsMax?: number;
  /** The input size and head budgets count at (a block's `input` clause); default 128×128, cls. */
  cost?: CostOptions;
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

export interface MeasuringSetupOptions {
  space: SpaceKind;
  objective: readonly ObjectiveTerm[];
  catalogue?: SettingCatalogue;
  command: string;
  cwd: string;
  /** Where each measurement's folder goes (runsDirFor(the measurements file)). */
  runsDir: string;
  /** Settings declared new on purpose (--new-settings): not refused as look-alikes of known ones. */
  declaredNew?: ReadonlySet<string>;
  /** The measurements so far (one per network). */
  history: readonly Measurement[];
  /** Continuing a search: measurements an interrupt cut short (folders with no row) go first. */
  resume: boolean;
  /** Measure the failures in history again (they leave the history). */
  retryFailed?: boolean;
  backend?: Backend;
  timeout: number;
  retries?: number;
  retryDelay?: number;
  brokenAfter?: number;
  gpus?: readonly string[];
  /** The input size, head and classes passed to the command with the network. */
  target?: RunnerOptions['target'];
  onAttempt?: RunnerOptions['onAttempt'];
}

export interface MeasuringSetup {
  runner: MeasurementRunner;
  checker: MetricsChecker;
  /** The history the search continues from (without the failures measured again). */
  history: Measurement[];
  /** Networks measured before any other: the ones cut short, then the failures to retry. */
  first: number[][];
  cutShort: number;
  retried: number;
}

/**
 * The measuring runner of a search over a measurements file, with `ncprop search --resume`'s rules:
 * measurements an interrupt cut short keep their ids and are measured first, then (retryFailed)
 * the failures; the metrics checker knows the history's settings.
 */
export function measuringSetup(o: MeasuringSetupOptions): MeasuringSetup {
  let history = o.history.slice();
  const retried = o.retryFailed ? history.filter((m) => !m.ok) : [];
  if (retried.length > 0) history = history.filter((m) => m.ok);
  const recorded = new Set(history.flatMap((m) => (m.id !== undefined ? [m.id] : [])));
  for (const m of retried) if (m.id !== undefined) recorded.add(m.id);
  const folders = new RunFolders(o.runsDir, recorded);
  const measuredKeys = new Set(history.map((m) => pointKey(m.point)));
  const first: { point: number[]; id?: string }[] = [];
  let cutShort = 0;
  if (o.resume) {
    for (const p of folders.pending(recorded)) {
      if (p.space !== o.space || measuredKeys.has(pointKey(p.point))) continue;
      first.push({ point: p.point, id: p.id });
      measuredKeys.add(pointKey(p.point));
      cutShort++;
    }
  }
  for (const m of retried) first.push({ point: m.point, id: m.id });
  const ids = new Map(first.flatMap((f) => (f.id !== undefined ? [[pointKey(f.point), f.id] as const] : [])));
  const checker = new MetricsChecker(o.space, o.objective, o.catalogue, history, o.declaredNew);
  const runner = new MeasurementRunner({
    space: o.space,
    command: o.command,
    cwd: o.cwd,
    backend: o.backend ?? new LocalBackend(),
    folders,
    checker,
    timeout: o.timeout,
    retries: o.retries,
    retryDelay: o.retryDelay,
    brokenAfter: o.brokenAfter,
    gpus: o.gpus,
    ...(o.target ? { target: o.target } : {}),
    idFor: (p) => ids.get(pointKey(p)),
    onAttempt: o.onAttempt,
  });
  return { runner, checker, history, first: first.map((f) => f.point), cutShort, retried: retried.length };
}

export async function runMeasuredSearch(o: MeasuredSearchOptions): Promise<MeasuredSearchRun> {
  let history: Measurement[] = [];
  let fileNotes: string[] = [];
  if (existsSync(o.out)) {
    const r = readMeasurements(o.out, { repair: true });
    history = latestPerNetwork(r.measurements);
    fileNotes = r.notes;
  }
  const setup = measuringSetup({ ...o, runsDir: runsDirFor(o.out), history, resume: true, ...(o.cost ? { target: o.cost } : {}) });
  const res = await (o.jobs > 1 ? runAsyncSearch : runSearch)(
    {
      space: o.space,
      objective: o.objective,
      lambda: o.space === 'multires' ? o.lambda : undefined,
      flopsMax: o.flopsMax,
      paramsMax: o.paramsMax,
      ...(o.cost ? { cost: o.cost } : {}),
      queries: setup.history.length + Math.max(o.more, setup.first.length),
      seed: o.seed,
      history: setup.history,
      first: setup.first,
      jobs: o.jobs,
      ...(o.prior ? { prior: o.prior } : {}),
      signal: o.signal,
      onProgress: o.onProgress,
      onMeasurement: (m, i) => {
        appendMeasurement(o.out, m);
        o.onMeasurement?.(m, i);
      },
    },
    setup.runner,
  );
  return { ...res, resumed: setup.history.length, cutShort: setup.cutShort, fileNotes };
}
