// Saving and loading a set of predictors (one per setting) with its manifest. The server loads
// the shipped set lazily (on the first hover or hint that needs it); the CLI loads any directory.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Estimate, PredictorSet } from './types';
import { TFJS_BATCH, type EnsemblePredictor } from './ensemble';
import { rawFeatureMatrix } from './features';
import { FORMAT_VERSION, ModelFormatError, SET_FORMAT, parsePredictor, serializePredictor, sha256, type Manifest, type SettingEntry } from './format';
import { backendInUse, initBackend, type BackendChoice } from './backend';
import { isTransferText, parseTransfer, serializeTransfer, type TransferPredictor } from './transfer';

/** What a model folder holds per setting: a trained ensemble, or a transfer model over other settings of the folder. */
export type SetPredictor = EnsemblePredictor | TransferPredictor;

function isEnsemble(p: SetPredictor): p is EnsemblePredictor {
  return 'spec' in p && 'members' in p;
}

export const MANIFEST = 'manifest.json';

/** The shipped models: server/src/models, found from the source tree (tsx) and from dist/ (bundles). */
export function defaultModelsDir(): string {
  const candidates = [
    resolve(__dirname, '../../models'), // server/src/core/predict → server/src/models
    resolve(__dirname, '../server/src/models'), // dist/ → server/src/models
    resolve(__dirname, 'models'),
  ];
  return candidates.find((d) => existsSync(join(d, MANIFEST))) ?? (basename(__dirname) === 'dist' ? candidates[1] : candidates[0]);
}

export class LoadedPredictorSet implements PredictorSet {
  readonly version: string;
  readonly settings: readonly string[];
  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    private readonly predictors: Map<string, SetPredictor>,
    /** The tfjs backend batches run on ('none' when none could start: the typed-array path still works). */
    readonly backend: string,
  ) {
    this.version = manifest.version;
    this.settings = [...predictors.keys()];
  }
  get(setting: string): SetPredictor | undefined {
    return this.predictors.get(setting);
  }
  /** The setting's predictor when it is a trained ensemble (undefined for a transfer model). */
  ensemble(setting: string): EnsemblePredictor | undefined {
    const p = this.predictors.get(setting);
    return p && isEnsemble(p) ? p : undefined;
  }

  /**
   * Many inputs for several settings at once (default: every setting whose input length fits
   * the first input): the features of each input are computed once per feature kind, not once
   * per setting. Result: setting → result[i][m], as EnsemblePredictor.predictBatch.
   */
  predictBatch(inputs: readonly ArrayLike<number>[], settings?: readonly string[]): Map<string, Estimate[][]> {
    const out = new Map<string, Estimate[][]>();
    const predictors = settings
      ? settings.map((s) => {
          const p = this.predictors.get(s);
          if (!p) throw new RangeError(`no predictor for setting '${s}' (has ${this.settings.join(', ')})`);
          return p;
        })
      : [...this.predictors.values()].filter((p) => inputs.length === 0 || p.inputDim === inputs[0].length);
    if (inputs.length < TFJS_BATCH || backendInUse() === undefined) {
      for (const p of predictors) out.set(p.setting, p.predictBatch(inputs));
      return out;
    }
    for (const p of predictors) if (!isEnsemble(p)) out.set(p.setting, p.predictBatch(inputs));
    // one tensor of unstandardised features per feature kind, shared by the settings that read it
    const shared = new Map<string, tf.Tensor2D>();
    try {
      for (const p of predictors) {
        if (!isEnsemble(p)) continue;
        const key = `${p.spec.kind}:${p.inputDim}`;
        let x = shared.get(key);
        if (!x) {
          x = tf.tensor2d(rawFeatureMatrix(p.spec, inputs), [inputs.length, p.spec.mean.length]);
          shared.set(key, x);
        }
        out.set(p.setting, p.predictRawTensor(x));
      }
    } finally {
      tf.dispose([...shared.values()]);
    }
    return out;
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFormatError(code === 'ENOENT' ? `${what} is missing: ${path}` : `cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  const text = readText(path, 'the predictor manifest');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const m = raw as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || m.format !== SET_FORMAT) throw new ModelFormatError(`${path}: not an ncp predictor manifest`);
  if (m.formatVersion !== FORMAT_VERSION) throw new ModelFormatError(`${path}: format version ${JSON.stringify(m.formatVersion)} is not supported (this build reads ${FORMAT_VERSION})`);
  if (typeof m.version !== 'string' || !m.settings || typeof m.settings !== 'object') throw new ModelFormatError(`${path}: lacks 'version' or 'settings'`);
  for (const [s, e] of Object.entries(m.settings)) {
    if (!e || typeof e.file !== 'string' || typeof e.sha256 !== 'string' || /[\\/]/.test(e.file)) {
      throw new ModelFormatError(`${path}: settings.${s} needs 'file' (a name in the same folder) and 'sha256'`);
    }
  }
  return m as Manifest;
}

export interface LoadOptions {
  /** tfjs backend for batches (default 'auto'); loading never fails because of it. */
  backend?: BackendChoice;
  /** Only these settings (default: all in the manifest). */
  settings?: readonly string[];
}

/**
 * Loads a predictor set (default: the shipped one). Throws ModelFormatError naming the file and
 * the problem when the manifest or a model file is missing, corrupt or edited.
 */
export async function loadPredictorSet(dir?: string, opts: LoadOptions = {}): Promise<LoadedPredictorSet> {
  const root = dir ?? defaultModelsDir();
  const manifest = readManifest(root);
  const predictors = readPredictors(root, manifest, opts.settings ?? Object.keys(manifest.settings));
  let backend = 'none';
  try {
    backend = await initBackend(opts.backend ?? 'auto');
  } catch {
    // predictions still run on the typed-array path
  }
  return new LoadedPredictorSet(root, manifest, predictors, backend);
}

/**
 * Every wanted model file of a set, checked against the manifest's checksum and parsed; a
 * transfer model brings the source settings it reads (parsed first).
 */
function readPredictors(root: string, manifest: Manifest, wanted: readonly string[]): Map<string, SetPredictor> {
  const predictors = new Map<string, SetPredictor>();
  const texts = new Map<string, string>();
  const readChecked = (s: string): string => {
    const cached = texts.get(s);
    if (cached !== undefined) return cached;
    const entry = manifest.settings[s];
    if (!entry) throw new ModelFormatError(`${join(root, MANIFEST)}: no predictor for setting '${s}' (has ${Object.keys(manifest.settings).join(', ')})`);
    const path = join(root, entry.file);
    const text = readText(path, `the model file of setting '${s}'`);
    if (sha256(text) !== entry.sha256) {
      throw new ModelFormatError(`${path}: checksum mismatch with ${MANIFEST} (the file is corrupt or was edited); retrain with 'ncprop train' or reinstall`);
    }
    texts.set(s, text);
    return text;
  };
  const load = (s: string, chain: readonly string[]): SetPredictor => {
    const have = predictors.get(s);
    if (have) return have;
    const text = readChecked(s);
    const path = join(root, manifest.settings[s].file);
    let p: SetPredictor;
    if (isTransferText(text)) {
      p = parseTransfer(text, path, (src) => {
        if (!manifest.settings[src]) return undefined;
        if (chain.includes(src) || src === s) throw new ModelFormatError(`${path}: source setting '${src}' reads this setting in turn (a circle)`);
        return { predictor: load(src, [...chain, s]), sha256: manifest.settings[src].sha256 };
      });
    } else {
      p = parsePredictor(text, path);
    }
    if (p.setting !== s) throw new ModelFormatError(`${path}: holds setting '${p.setting}', the manifest says '${s}'`);
    predictors.set(s, p);
    return p;
  };
  for (const s of wanted) load(s, []);
  return predictors;
}

export interface SaveMeta {
  version: string;
  command: string;
  seed: number;
  recipe: unknown;
  data: unknown;
  /** Extra facts per setting (training time, best epochs, held-out scores). */
  extra?: Record<string, Record<string, unknown>>;
}

/** Writes one file per predictor and the manifest (last, so a crash never leaves a valid-looking set). */
export function savePredictorSet(dir: string, predictors: readonly SetPredictor[], meta: SaveMeta): Manifest {
  mkdirSync(dir, { recursive: true });
  const settings: Record<string, SettingEntry> = {};
  // ensembles first: a transfer model records its sources' checksums
  const ordered = [...predictors.filter(isEnsemble), ...predictors.filter((p) => !isEnsemble(p))];
  for (const p of ordered) {
    const file = `${p.setting.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
    const text = isEnsemble(p)
      ? serializePredictor(p)
      : serializeTransfer(p, (src) => {
          const e = settings[src];
          if (!e) throw new ModelFormatError(`transfer model '${p.setting}': its source setting '${src}' is not in the set being saved`);
          return e.sha256;
        });
    writeFileSync(join(dir, file), text);
    settings[p.setting] = {
      file,
      sha256: sha256(text),
      metrics: [...p.metrics],
      inputDim: p.inputDim,
      features: isEnsemble(p) ? p.spec.kind : p.map.spec.kind,
      members: isEnsemble(p) ? p.members.length : 1,
      ...(isEnsemble(p) ? {} : { kind: 'transfer', sources: p.map.sources.map((s) => s.setting) }),
      ...(meta.extra?.[p.setting] ?? {}),
    };
  }
  const manifest: Manifest = {
    format: SET_FORMAT,
    formatVersion: FORMAT_VERSION,
    version: meta.version,
    created: new Date().toISOString(),
    command: meta.command,
    seed: meta.seed,
    recipe: meta.recipe,
    data: meta.data,
    settings,
  };
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Why `dir` cannot take a predictor set, or undefined when it can (absent, empty, or a model folder). */
export function outDirProblem(dir: string): string | undefined {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return `${dir} exists and is not a folder`;
  const names = readdirSync(dir);
  if (names.length > 0 && !names.includes(MANIFEST)) return `${dir} is a folder with other files and no ${MANIFEST}: not a model folder, so it is not replaced`;
  return undefined;
}

/**
 * Writes the set into a fresh folder beside `dir`, loads it back (manifest and every checksum),
 * and only then swaps it in; the previous folder is kept until the swap has succeeded. A crash,
 * a failed check or a cancel (`signal`) leaves `dir` as it was. Returns the manifest written.
 */
export async function savePredictorSetSafely(dir: string, predictors: readonly SetPredictor[], meta: SaveMeta, signal?: AbortSignal): Promise<Manifest> {
  const problem = outDirProblem(dir);
  if (problem) throw new ModelFormatError(problem);
  const parent = dirname(resolve(dir));
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${basename(dir)}.new-`));
  try {
    const manifest = savePredictorSet(tmp, predictors, meta);
    const back = readPredictors(tmp, readManifest(tmp), predictors.map((p) => p.setting));
    const missing = predictors.find((p) => !back.get(p.setting));
    if (missing) throw new ModelFormatError(`${tmp}: the written set lacks setting '${missing.setting}'`);
    signal?.throwIfAborted();
    swapIn(tmp, dir);
    return manifest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Replaces `dir` by `fresh` with renames (same parent, so same file system); restores `dir` on failure. */
function swapIn(fresh: string, dir: string): void {
  if (!existsSync(dir)) {
    renameSync(fresh, dir);
    return;
  }
  const old = `${join(dirname(resolve(dir)), `.${basename(dir)}.old-`)}${process.pid}-${Date.now()}`;
  renameSync(dir, old);
  try {
    renameSync(fresh, dir);
  } catch (e) {
    renameSync(old, dir);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
