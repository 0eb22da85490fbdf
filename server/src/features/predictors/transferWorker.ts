// Worker-thread entry (bundled as dist/transfer-worker.js): fits the transfer model of a setting
// of one's own on a measurements file's rows (core/predict/transfer, the loaded predictor set's
// trained settings as the source), off the language server's thread. Posts back the model's JSON
// and the sources' main-metric predictions on its rows, so the server rebuilds the model without
// predicting them again. A job whose id the server writes into the shared cancel slot stops at
// its next tick (a newer version of the file arrived: the fit is stale).
import { parentPort, workerData } from 'node:worker_threads';
import { loadPredictorSet, type LoadedPredictorSet } from '../../core/predict/store';
import { fitTransfer, serializeTransfer, sourcesFor, type PriorPredictor } from '../../core/predict/transfer';
import type { DifferentiablePredictor, Estimate } from '../../core/predict/types';
import type { FitJob, FitReply } from './transferProtocol';

const data = workerData as { modelsDir?: string; cancel: SharedArrayBuffer };
const cancel = new Int32Array(data.cancel);
let set: Promise<LoadedPredictorSet> | undefined;

class Stale extends Error {}

/** Source predictions kept per source (a refit after one appended row predicts only that row). */
const MEMO_LIMIT = 200_000;
const memos = new Map<string, DifferentiablePredictor>();

/**
 * A source predictor whose main-metric predictions are remembered by input. It delegates
 * everything else to the real one (its training normalisation and features included, through the
 * prototype); a fit reads only the main metric's mean of a source.
 */
function remembering(real: DifferentiablePredictor & { readonly inputDim: number }): DifferentiablePredictor & { readonly inputDim: number } {
  const seen = memos.get(real.setting);
  if (seen && Object.getPrototypeOf(seen) === real) return seen as DifferentiablePredictor & { readonly inputDim: number };
  const memo = new Map<string, number>();
  const w = Object.create(real) as DifferentiablePredictor & { readonly inputDim: number; predictMetric?: unknown };
  const main = (mean: number): Estimate[] => [{ mean, std: 0 }];
  w.predict = (x) => {
    const k = Array.from(x).join(',');
    const hit = memo.get(k);
    if (hit !== undefined) return main(hit);
    const e = real.predict(x);
    memo.set(k, e[0].mean);
    return e;
  };
  w.predictBatch = (xs) => {
    const keys = xs.map((x) => Array.from(x).join(','));
    const missing = keys.map((k, i) => (memo.has(k) ? -1 : i)).filter((i) => i >= 0);
    const est = missing.length > 0 ? real.predictBatch(missing.map((i) => xs[i])) : [];
    if (memo.size + missing.length > MEMO_LIMIT) memo.clear();
    missing.forEach((i, j) => memo.set(keys[i], est[j][0].mean));
    return keys.map((k) => main(memo.get(k)!));
  };
  // the per-row fast path would bypass the memo
  w.predictMetric = undefined;
  memos.set(real.setting, w);
  return w;
}

async function run(job: FitJob): Promise<FitReply> {
  const t0 = Date.now();
  try {
    // the typed-array path: tfjs backends add start-up time and nothing for a few hundred rows
    set ??= loadPredictorSet(data.modelsDir, { backend: 'cpu' });
    const s = await set;
    const prior: PriorPredictor[] = s.settings.flatMap((name) => {
      const p = s.ensemble(name);
      return p ? [{ setting: name, predictor: remembering(p) }] : [];
    });
    const inputDim = job.inputs[0]?.length ?? 0;
    const sources = sourcesFor(job.setting, inputDim, prior);
    if (Atomics.load(cancel, 0) === job.id) throw new Stale();
    const p = fitTransfer({
      setting: job.setting,
      metrics: job.metrics,
      inputs: job.inputs,
      targets: job.targets,
      sources,
      seed: 1,
      onTick: () => {
        if (Atomics.load(cancel, 0) === job.id) throw new Stale();
      },
    });
    return { id: job.id, ok: true, text: serializeTransfer(p, () => 'in-memory'), train: p.train, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    if (e instanceof Stale) return { id: job.id, ok: false, stale: true, message: 'stale' };
    return { id: job.id, ok: false, message: (e as Error).message ?? String(e) };
  }
}

// one job at a time, in order (a fit is synchronous: messages wait while it runs)
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (job: FitJob) => {
  queue = queue.then(async () => parentPort!.postMessage(await run(job)));
});
