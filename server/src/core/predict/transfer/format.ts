// The on-disk form of a transfer predictor: JSON naming its source settings (which live in the
// same model folder, each with its checksum at training time), the feature standardisation, the
// user's rows and, per metric, the chosen kernel and the spread calibration.
import type { RowFeatures } from './gpFit';
import { ModelFormatError } from '../format';
import { isFeatureKind, type FeatureSpec } from '../features';
import type { DifferentiablePredictor } from '../types';
import type { FeatureMap, Standardiser } from './features';
import type { Calibration, KernelHyper } from './gpFit';
import { TransferPredictor, type MetricModel, type TransferModel } from './predictor';

export const TRANSFER_FORMAT = 'ncp-transfer';
export const TRANSFER_FORMAT_VERSION = 2;
/** Versions this build reads: 1 had no trunk kernel. */
const READS = [1, 2];
/** Most rows a transfer file may hold (fit.ts keeps at most 1,000). */
const MAX_ROWS = 5000;

interface SourceRecord {
  setting: string;
  mean: number;
  std: number;
  /** The source model file's checksum when the transfer model was fitted. */
  sha256: string;
}

interface TransferFile {
  format: typeof TRANSFER_FORMAT;
  formatVersion: number;
  setting: string;
  metrics: string[];
  inputDim: number;
  sources: SourceRecord[];
  cost?: Standardiser;
  spec: FeatureSpec;
  rows: number[][];
  targets: number[][];
  models: MetricModel[];
}

/** The JSON text of a transfer predictor; `sourceSha` gives each source file's checksum. */
export function serializeTransfer(p: TransferPredictor, sourceSha: (setting: string) => string): string {
  const file: TransferFile = {
    format: TRANSFER_FORMAT,
    formatVersion: TRANSFER_FORMAT_VERSION,
    setting: p.model.setting,
    metrics: p.model.metrics,
    inputDim: p.model.inputDim,
    sources: p.map.sources.map((s) => ({ setting: s.setting, mean: s.mean, std: s.std, sha256: sourceSha(s.setting) })),
    ...(p.map.cost ? { cost: p.map.cost } : {}),
    spec: p.map.spec,
    rows: p.model.rows,
    targets: p.model.targets,
    models: p.model.models,
  };
  return JSON.stringify(file);
}

/** True when a model file's text is a transfer model (checked before parsing an ensemble). */
export function isTransferText(text: string): boolean {
  return text.slice(0, 200).includes(`"format":"${TRANSFER_FORMAT}"`);
}

function fail(where: string, what: string): never {
  throw new ModelFormatError(`${where}: ${what}`);
}

function finite(v: unknown, where: string, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, `${what} must be a finite number`);
  return v;
}

function numbers(v: unknown, len: number | undefined, where: string, what: string): number[] {
  if (!Array.isArray(v) || (len !== undefined && v.length !== len)) fail(where, `${what} must be a list of ${len ?? 'some'} numbers`);
  return v.map((x, i) => finite(x, where, `${what}[${i}]`));
}

function positive(v: unknown, where: string, what: string): number {
  const x = finite(v, where, what);
  if (!(x > 0)) fail(where, `${what} must be positive`);
  return x;
}

function metricModel(v: unknown, where: string, k: number): MetricModel {
  const w = `models[${k}]`;
  const o = v as Partial<MetricModel> | null;
  if (!o || typeof o !== 'object' || !o.hyper || !o.calibration) fail(where, `${w} needs 'hyper' and 'calibration'`);
  const h = o.hyper as Partial<KernelHyper>;
  const hyper: KernelHyper = {
    src: finite(h.src, where, `${w}.hyper.src`),
    cost: finite(h.cost, where, `${w}.hyper.cost`),
    rbf: finite(h.rbf, where, `${w}.hyper.rbf`),
    ls: positive(h.ls, where, `${w}.hyper.ls`),
    noise: positive(h.noise, where, `${w}.hyper.noise`),
    ...(h.trunk === undefined || h.trunk === 0 ? {} : { trunk: finite(h.trunk, where, `${w}.hyper.trunk`), tls: positive(h.tls, where, `${w}.hyper.tls`) }),
  };
  if (hyper.src < 0 || hyper.cost < 0 || hyper.rbf < 0 || (hyper.trunk ?? 0) < 0) fail(where, `${w}.hyper: weights must not be negative`);
  const c = o.calibration as Partial<Calibration>;
  const calibration: Calibration = {
    scale: positive(c.scale, where, `${w}.calibration.scale`),
    calibrated: c.calibrated === true,
    coverage1: finite(c.coverage1, where, `${w}.calibration.coverage1`),
    coverage2: finite(c.coverage2, where, `${w}.calibration.coverage2`),
    rows: finite(c.rows, where, `${w}.calibration.rows`),
  };
  return { hyper, yMean: finite(o.yMean, where, `${w}.yMean`), yStd: positive(o.yStd, where, `${w}.yStd`), calibration };
}

/**
 * Parses a transfer model file. `source(setting)` gives the predictor of each source setting and
 * its file's checksum now; a source that changed since the fit is an error (retrain).
 */
export function parseTransfer(
  text: string,
  where: string,
  source: (setting: string) => { predictor: DifferentiablePredictor; sha256: string } | undefined,
  /** The rows' features, when the process that fitted the model sends them along (checked for shape). */
  train?: RowFeatures,
): TransferPredictor {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(where, `not valid JSON (${(e as Error).message})`);
  }
  const f = raw as Partial<TransferFile> | null;
  if (!f || typeof f !== 'object' || f.format !== TRANSFER_FORMAT) fail(where, 'not an ncp transfer model');
  if (!READS.includes(f.formatVersion as number)) fail(where, `format version ${JSON.stringify(f.formatVersion)} is not supported (this build reads ${READS.join(' and ')})`);
  if (typeof f.setting !== 'string' || !Array.isArray(f.metrics) || f.metrics.length === 0 || !f.metrics.every((m) => typeof m === 'string')) fail(where, "needs 'setting' and 'metrics'");
  const inputDim = finite(f.inputDim, where, 'inputDim');
  if (inputDim !== 27 && inputDim !== 30) fail(where, `inputDim ${inputDim}: expected 27 (network codes) or 30 (NAS-Bench-201 cells)`);
  if (!Array.isArray(f.rows) || !Array.isArray(f.targets) || f.rows.length !== f.targets.length || f.rows.length < 1 || f.rows.length > MAX_ROWS) {
    fail(where, `'rows' and 'targets' must be lists of the same length, 1–${MAX_ROWS}`);
  }
  const M = f.metrics.length;
  const rows = f.rows.map((r, i) => numbers(r, inputDim, where, `rows[${i}]`));
  const targets = f.targets.map((t, i) => numbers(t, M, where, `targets[${i}]`));
  if (!Array.isArray(f.models) || f.models.length !== M) fail(where, `'models' must hold one entry per metric (${M})`);
  const models = f.models.map((m, k) => metricModel(m, where, k));
  const s = f.spec as Partial<FeatureSpec> | undefined;
  if (!s || !isFeatureKind(s.kind) || s.inputDim !== inputDim) fail(where, `'spec' must describe features of ${inputDim}-number inputs`);
  const specMean = numbers(s.mean, undefined, where, 'spec.mean');
  const spec: FeatureSpec = { kind: s.kind, inputDim, mean: specMean, std: numbers(s.std, specMean.length, where, 'spec.std').map((v, i) => (v > 0 ? v : fail(where, `spec.std[${i}] must be positive`))) };
  const cost = f.cost === undefined ? undefined : { mean: numbers(f.cost.mean, 2, where, 'cost.mean'), std: numbers(f.cost.std, 2, where, 'cost.std') };
  if (!Array.isArray(f.sources)) fail(where, "'sources' must be a list");
  const sources = f.sources.map((r, j) => {
    if (!r || typeof r.setting !== 'string' || typeof r.sha256 !== 'string') fail(where, `sources[${j}] needs 'setting' and 'sha256'`);
    const got = source(r.setting);
    if (!got) fail(where, `source setting '${r.setting}' is not in the model folder`);
    if (got.sha256 !== r.sha256) fail(where, `source setting '${r.setting}' changed since this transfer model was trained; retrain it with 'ncprop train --prior'`);
    return { setting: r.setting, predictor: got.predictor, mean: finite(r.mean, where, `sources[${j}].mean`), std: positive(r.std, where, `sources[${j}].std`) };
  });
  const map: FeatureMap = { sources, cost, spec, trunk: models.some((m) => (m.hyper.trunk ?? 0) > 0) };
  const model: TransferModel = { setting: f.setting, metrics: [...f.metrics], inputDim, rows, targets, models };
  try {
    return new TransferPredictor(model, map, train);
  } catch (e) {
    fail(where, (e as Error).message);
  }
}
