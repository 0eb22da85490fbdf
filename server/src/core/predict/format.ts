// The on-disk form of trained predictors: one JSON file per setting (weights as little-endian
// float32 in base64) and a manifest naming them with their SHA-256, so a truncated or edited
// file is caught before any prediction is made.
import { createHash } from 'node:crypto';
import type { FeatureKind, FeatureSpec } from './features';
import { featureDim, isFeatureKind } from './features';
import type { Activation, Dense, Network } from './network';
import { EnsemblePredictor } from './ensemble';

export const SET_FORMAT = 'ncp-predictor-set';
export const FILE_FORMAT = 'ncp-predictor';
export const FORMAT_VERSION = 1;
/** Largest |weight| or |target statistic| a model file may hold (trained ones stay below 10). */
export const WEIGHT_LIMIT = 1e4;

/** A model file or manifest that cannot be used; the message names the file and the problem. */
export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

export interface SettingEntry {
  file: string;
  sha256: string;
  metrics: string[];
  inputDim: number;
  features: FeatureKind;
  members: number;
  /** Free-form training facts (best epochs, seconds) and held-out metrics when measured. */
  [extra: string]: unknown;
}

export interface Manifest {
  format: typeof SET_FORMAT;
  formatVersion: number;
  /** Version of this set of weights (shown in hovers and `ncp eval`). */
  version: string;
  created: string;
  /** The command that trained the set, to reproduce it. */
  command: string;
  seed: number;
  recipe: unknown;
  data: unknown;
  settings: Record<string, SettingEntry>;
}

function f32ToBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function base64ToF32(s: string, expected: number, where: string): Float32Array {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new ModelFormatError(`${where}: not base64 text`);
  const buf = Buffer.from(s, 'base64');
  if (buf.length !== expected * 4) {
    throw new ModelFormatError(`${where}: expected ${expected} float32 values (${expected * 4} bytes), got ${buf.length} bytes`);
  }
  const out = new Float32Array(expected);
  new Uint8Array(out.buffer).set(buf);
  for (let i = 0; i < expected; i++) {
    if (!Number.isFinite(out[i])) throw new ModelFormatError(`${where}: value ${i} is not finite`);
    // trained weights stay within single digits; one near float32's limit is damage or tampering
    if (Math.abs(out[i]) > WEIGHT_LIMIT) throw new ModelFormatError(`${where}: value ${i} = ${out[i].toPrecision(3)} is beyond ±${WEIGHT_LIMIT}, which no trained predictor holds; the model folder is damaged — retrain with 'ncprop train'`);
  }
  return out;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The JSON text of one trained predictor. */
export function serializePredictor(p: EnsemblePredictor): string {
  const layer = (l: Dense) => ({ in: l.inDim, out: l.outDim, act: l.act, W: f32ToBase64(l.W), b: f32ToBase64(l.b) });
  return JSON.stringify({
    format: FILE_FORMAT,
    formatVersion: FORMAT_VERSION,
    setting: p.setting,
    metrics: p.metrics,
    features: p.spec,
    target: p.target,
    spreadScale: p.spreadScale,
    members: p.members.map((m) => ({
      trunk: m.trunk.map(layer),
      heads: m.heads.map((h) => ({ metrics: h.metrics, layers: h.layers.map(layer) })),
    })),
  });
}

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ModelFormatError(`${where}: expected an object`);
  return v as Obj;
}
function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ModelFormatError(`${where}: expected an array`);
  return v;
}
function int(v: unknown, where: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new ModelFormatError(`${where}: expected a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}
function nums(v: unknown, n: number, where: string): number[] {
  const a = arr(v, where);
  if (a.length !== n || !a.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new ModelFormatError(`${where}: expected ${n} finite numbers`);
  }
  return a as number[];
}
function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ModelFormatError(`${where}: expected a non-empty string`);
  return v;
}

function parseLayer(v: unknown, inDim: number, where: string): Dense {
  const o = obj(v, where);
  const i = int(o.in, `${where}.in`);
  const out = int(o.out, `${where}.out`);
  if (i !== inDim) throw new ModelFormatError(`${where}: takes ${i} inputs but the previous layer gives ${inDim}`);
  if (o.act !== 'swish' && o.act !== 'linear') throw new ModelFormatError(`${where}.act: expected 'swish' or 'linear', got ${JSON.stringify(o.act)}`);
  return { inDim: i, outDim: out, act: o.act as Activation, W: base64ToF32(o.W as string, i * out, `${where}.W`), b: base64ToF32(o.b as string, out, `${where}.b`) };
}

/** Parses and checks one predictor file's text; `name` (the file) prefixes every message. */
export function parsePredictor(text: string, name: string): EnsemblePredictor {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${name}: not valid JSON (${(e as Error).message}); the file may be truncated — reinstall or retrain with 'ncprop train'`);
  }
  const o = obj(raw, name);
  if (o.format !== FILE_FORMAT) throw new ModelFormatError(`${name}: not an ncp predictor file (format ${JSON.stringify(o.format)})`);
  if (o.formatVersion !== FORMAT_VERSION) {
    throw new ModelFormatError(`${name}: format version ${JSON.stringify(o.formatVersion)} is not supported (this build reads ${FORMAT_VERSION})`);
  }
  const setting = str(o.setting, `${name}: setting`);
  const metrics = arr(o.metrics, `${name}: metrics`).map((m, i) => str(m, `${name}: metrics[${i}]`));
  if (metrics.length === 0) throw new ModelFormatError(`${name}: no metrics`);
  const M = metrics.length;
  const f = obj(o.features, `${name}: features`);
  const kind = f.kind;
  if (!isFeatureKind(kind)) throw new ModelFormatError(`${name}: unknown feature kind ${JSON.stringify(kind)}`);
  const inputDim = int(f.inputDim, `${name}: features.inputDim`);
  const d = featureDim(kind, inputDim);
  const spec: FeatureSpec = { kind, inputDim, mean: nums(f.mean, d, `${name}: features.mean`), std: nums(f.std, d, `${name}: features.std`) };
  if (spec.std.some((s) => s <= 0)) throw new ModelFormatError(`${name}: features.std must be positive`);
  const t = obj(o.target, `${name}: target`);
  const target = { mean: nums(t.mean, M, `${name}: target.mean`), std: nums(t.std, M, `${name}: target.std`) };
  if ([...target.mean, ...target.std].some((x) => Math.abs(x) > WEIGHT_LIMIT) || target.std.some((x) => x <= 0)) {
    throw new ModelFormatError(`${name}: target mean/std outside what a benchmark metric can give (|x| ≤ ${WEIGHT_LIMIT}, std > 0); the model folder is damaged — retrain with 'ncprop train'`);
  }
  const spreadScale = nums(o.spreadScale, M, `${name}: spreadScale`);
  const members = arr(o.members, `${name}: members`).map((mv, k): Network => {
    const where = `${name}: members[${k}]`;
    const m = obj(mv, where);
    let dim = d;
    const trunk = arr(m.trunk, `${where}.trunk`).map((l, i) => {
      const layer = parseLayer(l, dim, `${where}.trunk[${i}]`);
      dim = layer.outDim;
      return layer;
    });
    const covered = new Set<number>();
    const heads = arr(m.heads, `${where}.heads`).map((hv, h) => {
      const hw = `${where}.heads[${h}]`;
      const ho = obj(hv, hw);
      const hm = arr(ho.metrics, `${hw}.metrics`).map((x) => {
        if (!Number.isInteger(x) || (x as number) < 0 || (x as number) >= M || covered.has(x as number)) {
          throw new ModelFormatError(`${hw}.metrics: ${JSON.stringify(x)} is not an unused metric index 0–${M - 1}`);
        }
        covered.add(x as number);
        return x as number;
      });
      let hd = dim;
      const layers = arr(ho.layers, `${hw}.layers`).map((l, i) => {
        const layer = parseLayer(l, hd, `${hw}.layers[${i}]`);
        hd = layer.outDim;
        return layer;
      });
      if (layers.length === 0 || hd !== hm.length) throw new ModelFormatError(`${hw}: outputs ${hd} values for ${hm.length} metrics`);
      return { metrics: hm, layers };
    });
    if (covered.size !== M) throw new ModelFormatError(`${where}: its heads cover ${covered.size} of ${M} metrics`);
    return { trunk, heads };
  });
  if (members.length === 0) throw new ModelFormatError(`${name}: no members`);
  return new EnsemblePredictor(setting, metrics, spec, target, members, spreadScale);
}
