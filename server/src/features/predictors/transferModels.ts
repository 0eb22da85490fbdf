// Transfer models of settings of one's own, per measurements file (search/ownSettings.ts finds them): fitted
// in a worker thread (transferWorker.ts) when the file's rows change, never on the server's thread;
// a fit made stale by a newer version of the file is cancelled (its worker job stops at its next
// tick) or dropped when it arrives. The model is rebuilt here from the worker's JSON with the
// loaded predictor set as its source (the rows' features come with it, so the
// rebuild is a few small factorisations). Hovers, inlay hints and propagations read it.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseTransfer, MIN_TRANSFER_ROWS, type TransferPredictor } from '../../core/predict/transfer';
import type { Estimate, PredictorSet } from '../../core/predict/types';
import { cellToOneHot } from '../../core/space/nb201';
import type { Measurement } from '../../core/search/types';
import type { SettingInfo } from '../../core/settings';
import type { FitJob, FitReply } from './transferProtocol';
import type { TransferStateKind, TransferStatus } from './documentPredictorsProtocol';

/** A measurements file's rows and the settings of one's own they measure (search/ownSettings.ts finds them). */
export interface TransferFile {
  path: string;
  /** The block's spelling of the file (for messages). */
  file: string;
  /** The rows as read (the same array while the file is unchanged). */
  measurements: readonly Measurement[];
  settings: SettingInfo[];
}

interface SettingModel {
  info: SettingInfo;
  file: string;
  key: string;
  rows: number;
  state: TransferStateKind;
  predictor?: TransferPredictor;
  cache: Map<string, Estimate[]>;
  message?: string;
  job?: number;
  seenAt: number;
  seconds?: number;
}

interface FileModels {
  measurements: readonly Measurement[];
  settings: Map<string, SettingModel>;
}

/** Settings of one's own per file that get a transfer model (each is a fit in the worker). */
export const MAX_OWN_SETTINGS = 16;

/** Entries kept per model's prediction cache before it is cleared. */
const CACHE_LIMIT = 20_000;

/** The worker: dist/transfer-worker.js beside the bundle, or the TypeScript source under tsx. */
function workerSource(): { source: string; eval: boolean } | undefined {
  if (__filename.endsWith('.ts')) {
    return { source: `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'transferWorker.ts'))});`, eval: true };
  }
  const file = join(__dirname, 'transfer-worker.js');
  return existsSync(file) ? { source: file, eval: false } : undefined;
}

/** The rows of a setting as inputs and targets: successful measurements with every metric. */
export function settingRows(measurements: readonly Measurement[], info: SettingInfo): { inputs: number[][]; targets: number[][] } {
  const inputs: number[][] = [];
  const targets: number[][] = [];
  for (const m of measurements) {
    const ms = m.ok ? m.metrics?.[info.name] : undefined;
    if (!ms || m.space !== info.space) continue;
    const t = info.metrics.map((k) => ms[k]);
    if (t.some((v) => typeof v !== 'number')) continue;
    inputs.push(m.space === 'nb201' ? Array.from(cellToOneHot(m.point)) : [...m.point]);
    targets.push(t);
  }
  return { inputs, targets };
}

export interface TransferModelsOptions {
  /** Folder of the source predictor set the worker loads (undefined: NCP_MODELS_DIR, else the shipped set). */
  modelsDir: () => string | undefined;
  /** The server's loaded predictor set (the same folder): the sources of the rebuilt models. */
  sourceSet: () => Promise<PredictorSet>;
  log: (message: string) => void;
  /** A model of the file changed state (fitting, ready, failed). */
  onChange: (path: string) => void;
}

export class TransferModels {
  private readonly files = new Map<string, FileModels>();
  private worker: Worker | undefined;
  private cancel = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  /** Jobs not yet sent (one runs at a time; a newer one for the same model replaces a queued one). */
  private queue: { job: FitJob; path: string; setting: string }[] = [];
  private running: { job: FitJob; path: string; setting: string } | undefined;
  private disposed = false;

  constructor(private readonly opts: TransferModelsOptions) {}

  /** The file's rows as read now: refits the settings whose rows changed (a no-op for the same rows object). */
  update(file: TransferFile, seenAt = Date.now()): void {
    const cur = this.files.get(file.path);
    if (cur && cur.measurements === file.measurements) return;
    const next: FileModels = { measurements: file.measurements, settings: new Map() };
    for (const [index, info] of file.settings.entries()) {
      if (index >= MAX_OWN_SETTINGS) {
        next.settings.set(info.name, { info, file: file.file, key: '', rows: 0, state: 'failed', cache: new Map(), seenAt, message: `${file.file} measures more than ${MAX_OWN_SETTINGS} settings of your own: only the first ${MAX_OWN_SETTINGS} get a transfer model` });
        continue;
      }
      const { inputs, targets } = settingRows(file.measurements, info);
      const key = `${info.metrics.join(',')}|${JSON.stringify(inputs)}|${JSON.stringify(targets)}`;
      const old = cur?.settings.get(info.name);
      if (old && old.key === key && old.state !== 'failed') {
        // the same rows: the same model (and its fit in progress, which finds it by identity)
        old.info = info;
        old.file = file.file;
        next.settings.set(info.name, old);
        continue;
      }
      const m: SettingModel = { info, file: file.file, key, rows: inputs.length, state: 'fitting', cache: new Map(), seenAt };
      // the last model serves until the new one is ready (if it predicts the same metrics)
      if (old?.predictor && old.info.metrics.join(',') === info.metrics.join(',')) m.predictor = old.predictor;
      if (inputs.length < MIN_TRANSFER_ROWS) {
        m.state = 'too-few';
        m.predictor = undefined;
        m.message = `${inputs.length} measured network(s) of ${info.name} with every metric (${info.metrics.join(', ')}); a transfer model needs at least ${MIN_TRANSFER_ROWS}`;
      } else {
        const job: FitJob = { id: this.nextId++, setting: info.name, metrics: [...info.metrics], inputs, targets };
        m.job = job.id;
        this.enqueue(file.path, job);
      }
      next.settings.set(info.name, m);
    }
    // models of settings the file no longer measures: their jobs go
    this.files.set(file.path, next);
    this.queue = this.queue.filter((q) => q.path !== file.path || next.settings.get(q.setting)?.job === q.job.id);
    if (this.running && this.running.path === file.path && next.settings.get(this.running.setting)?.job !== this.running.job.id) {
      Atomics.store(this.cancel, 0, this.running.job.id);
    }
    this.opts.onChange(file.path);
    this.pump();
  }

  /** Forgets a file no open document names (its models and queued fits). */
  forget(path: string): void {
    this.files.delete(path);
    this.queue = this.queue.filter((q) => q.path !== path);
    if (this.running?.path === path) Atomics.store(this.cancel, 0, this.running.job.id);
    // no file left: the worker (and the predictor set it holds) goes; the next fit starts another
    if (this.files.size === 0 && this.queue.length === 0 && !this.running && this.worker) {
      const w = this.worker;
      this.worker = undefined;
      void w.terminate();
    }
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** The status of every setting of one's own of a file. */
  status(path: string): TransferStatus[] {
    const f = this.files.get(path);
    if (!f) return [];
    return [...f.settings.values()].map((m) => ({
      setting: m.info.name,
      path,
      file: m.file,
      rows: m.rows,
      state: m.state,
      ...(m.predictor && m.state === 'ready' ? { calibration: m.info.metrics.map((_, k) => m.predictor!.calibration(k)), sources: m.predictor.map.sources.map((s) => s.setting) } : {}),
      ...(m.message ? { message: m.message } : {}),
      ...(m.seconds !== undefined ? { seconds: m.seconds } : {}),
    }));
  }

  /** The ready (or, while refitting, the previous) model of a setting in a file. */
  predictor(path: string, setting: string): TransferPredictor | undefined {
    return this.files.get(path)?.settings.get(setting)?.predictor;
  }

  /** Estimates of many inputs (cached per input and model); undefined entries while no model is ready. */
  predict(path: string, setting: string, inputs: readonly (readonly number[])[]): (Estimate[] | undefined)[] {
    const m = this.files.get(path)?.settings.get(setting);
    const p = m?.predictor;
    if (!m || !p) return inputs.map(() => undefined);
    const out: (Estimate[] | undefined)[] = inputs.map((x) => m.cache.get(x.join(',')));
    const missing = inputs.map((_, i) => i).filter((i) => !out[i]);
    if (missing.length > 0) {
      try {
        const est = p.predictBatch(missing.map((i) => inputs[i]));
        if (m.cache.size + missing.length > CACHE_LIMIT) m.cache.clear();
        missing.forEach((i, j) => {
          out[i] = est[j];
          m.cache.set(inputs[i].join(','), est[j]);
        });
      } catch (e) {
        this.opts.log(`transfer prediction of ${setting} failed: ${(e as Error).message}`);
      }
    }
    return out;
  }

  dispose(): void {
    this.disposed = true;
    this.queue = [];
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private enqueue(path: string, job: FitJob): void {
    this.queue = this.queue.filter((q) => !(q.path === path && q.setting === job.setting));
    this.queue.push({ job, path, setting: job.setting });
  }

  private startWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    const src = workerSource();
    if (!src) return undefined;
    this.cancel = new Int32Array(new SharedArrayBuffer(4));
    const w = new Worker(src.source, { eval: src.eval, workerData: { modelsDir: this.opts.modelsDir(), cancel: this.cancel.buffer } });
    // never keeps the server alive
    w.unref();
    w.on('message', (r: FitReply) => {
      const run = this.running;
      if (run?.job.id !== r.id) return;
      this.running = undefined;
      void this.finished(r, run);
    });
    w.on('error', (e) => this.opts.log(`transfer worker failed: ${e.message}`));
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      const r = this.running;
      this.running = undefined;
      if (r && !this.disposed) void this.finished({ id: r.job.id, ok: false, message: `the transfer worker exited (code ${code})` }, r);
    });
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const next = this.queue.shift();
    if (!next) return;
    const w = this.startWorker();
    if (!w) {
      void this.finished({ id: next.job.id, ok: false, message: 'the transfer worker (transfer-worker.js) is missing from this installation' }, next);
      return;
    }
    this.running = next;
    w.postMessage(next.job);
  }

  private async finished(r: FitReply, run: { job: FitJob; path: string; setting: string }): Promise<void> {
    const model = this.files.get(run.path)?.settings.get(run.setting);
    const current = !!model && model.job === r.id;
    try {
      if (!current || !model) return;
      if (!r.ok) {
        if (r.stale) return;
        model.state = 'failed';
        model.predictor = undefined;
        model.message = r.message;
        this.opts.log(`transfer model of ${run.setting} (${run.path}) failed: ${r.message}`);
        this.opts.onChange(run.path);
        return;
      }
      const set = await this.opts.sourceSet();
      // a newer version of the file arrived while the set loaded
      if (this.files.get(run.path)?.settings.get(run.setting) !== model || model.job !== r.id) return;
      const t0 = performance.now();
      // The worker's features of the rows: the rebuild only factors the kernel.
      const p = parseTransfer(
        r.text,
        `transfer model of ${run.setting} (${run.path})`,
        (s) => {
          const real = set.get(s);
          return real ? { predictor: real, sha256: 'in-memory' } : undefined;
        },
        r.train,
      );
      model.predictor = p;
      model.cache = new Map();
      model.state = 'ready';
      model.message = undefined;
      model.seconds = (Date.now() - model.seenAt) / 1000;
      const here = performance.now() - t0;
      this.opts.log(`transfer model of ${run.setting} (${run.path}): ${model.rows} rows, fitted in the worker in ${r.seconds.toFixed(2)} s, rebuilt on the server's thread in ${here.toFixed(0)} ms, ready ${model.seconds.toFixed(2)} s after the change`);
      this.opts.onChange(run.path);
    } catch (e) {
      if (model && current) {
        model.state = 'failed';
        model.predictor = undefined;
        model.message = (e as Error).message;
        this.opts.log(`transfer model of ${run.setting} failed: ${(e as Error).message}`);
        this.opts.onChange(run.path);
      }
    } finally {
      this.pump();
    }
  }
}
