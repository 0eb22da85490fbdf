// Speed and memory of the predictors: a batch of 2,500 codes × 8 settings (goal < 150 ms), a
// single code (goal < 5 ms), a 70-step propagation run of valueAndGrad (goal < 20 ms) with the
// typed-array path next to tfjs, and the RSS of the language server (the bundle an editor runs,
// dist/server.js) once it has loaded the predictors (goal < 250 MB), beside this process's own.
// Run: node --import tsx bench/predict.ts [--model DIR] [--backend auto|wasm|cpu|tensorflow]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { rssMB, startClient, waitForPredictors } from '../test/lsp/harness';
import { loadPredictorSet } from '../server/src/core/predict/store';
import { features } from '../server/src/core/predict/features';
import { randomCode } from '../server/src/core/space/multires';
import { makeRng } from '../server/src/core/random';
import type { BackendChoice } from '../server/src/core/predict/backend';
import type { EnsemblePredictor } from '../server/src/core/predict/ensemble';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(f: () => void, reps: number): number {
  // warm-up: the first big batches grow the wasm heap and compile kernels
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** The same ensemble-mean gradient through tfjs (tf.grad over the member networks), for comparison. */
function tfjsValueAndGrad(p: EnsemblePredictor): (input: number[]) => number {
  const layers = p.members.map((net) => ({
    trunk: net.trunk.map((l) => ({ W: tf.tensor2d(l.W, [l.inDim, l.outDim]), b: tf.tensor1d(l.b), act: l.act })),
    head: net.heads.find((h) => h.metrics.includes(0))!,
  }));
  const heads = layers.map((m) => m.head.layers.map((l) => ({ W: tf.tensor2d(l.W, [l.inDim, l.outDim]), b: tf.tensor1d(l.b), act: l.act })));
  const g = tf.grad((x: tf.Tensor) => {
    const outs = layers.map((m, k) => {
      let h = x as tf.Tensor2D;
      for (const l of [...m.trunk, ...heads[k]]) {
        h = tf.add(tf.matMul(h, l.W), l.b);
        if (l.act === 'swish') h = tf.mul(h, tf.sigmoid(h));
      }
      return tf.slice(h, [0, m.head.metrics.indexOf(0)], [1, 1]);
    });
    return tf.mean(tf.concat(outs));
  });
  return (input) => {
    const f = features(p.spec, input);
    const r = tf.tidy(() => g(tf.tensor2d(Array.from(f), [1, f.length])).dataSync());
    return r[0];
  };
}

async function main() {
  const { values } = parseArgs({ options: { model: { type: 'string' }, backend: { type: 'string' } } });
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const set = await loadPredictorSet(values.model, { backend: (values.backend ?? 'auto') as BackendChoice });
  const loadMs = performance.now() - t0;
  const mr = set.settings.filter((s) => set.get(s)!.inputDim === 27);
  const rand = makeRng(42);
  const codes = Array.from({ length: 2500 }, () => randomCode(rand));
  console.log(`backend in use: ${set.backend}; models ${set.dir} (version ${set.version}); ${mr.length} MR settings + ${set.settings.length - mr.length} other`);
  console.log(`load: ${loadMs.toFixed(0)} ms`);

  const batch = time(() => set.predictBatch(codes, mr), 9);
  console.log(`batch 2,500 codes × ${mr.length} settings (set.predictBatch, tfjs ${set.backend}): ${batch.toFixed(1)} ms  (goal < 150 ms)`);
  const batchEach = time(() => mr.forEach((s) => set.get(s)!.predictBatch(codes)), 5);
  console.log(`  same, setting by setting (features recomputed per setting): ${batchEach.toFixed(1)} ms`);
  const batchTa = time(() => mr.forEach((s) => codes.forEach((c) => set.get(s)!.predict(c))), 3);
  console.log(`  same batch, typed-array path:          ${batchTa.toFixed(1)} ms`);

  const one = codes[0];
  const single = time(() => mr.forEach((s) => set.get(s)!.predict(one)), 200);
  console.log(`single code × ${mr.length} settings (typed arrays): ${single.toFixed(3)} ms  (goal < 5 ms)`);
  const singleTf = time(() => mr.forEach((s) => set.ensemble(s)!.predictBatchTf([one])), 50);
  console.log(`  same through tfjs:                     ${singleTf.toFixed(3)} ms`);

  // propagation: 70 valueAndGrad steps on a relaxed code
  const p = set.ensemble(mr[0])!;
  const relaxed = one.map((v) => v + 0.37);
  const run70 = time(() => {
    for (let i = 0; i < 70; i++) p.valueAndGrad(relaxed, 0);
  }, 20);
  console.log(`70-step propagation run, valueAndGrad (${mr[0]}, typed arrays): ${run70.toFixed(2)} ms  (goal < 20 ms)`);
  const tfGrad = tfjsValueAndGrad(p);
  const run70tf = time(() => {
    for (let i = 0; i < 70; i++) tfGrad(relaxed);
  }, 3);
  console.log(`  same 70 steps through tf.grad (${set.backend}):   ${run70tf.toFixed(2)} ms`);

  const rss = process.memoryUsage().rss;
  console.log(`this process (tsx) RSS with predictors loaded: ${(rss / 2 ** 20).toFixed(0)} MB (before loading ${(rssBefore / 2 ** 20).toFixed(0)} MB)`);
  await serverRss(values.model);
}

/** The language server as an editor runs it: loads the predictors for a hover, then its RSS. */
async function serverRss(model: string | undefined): Promise<void> {
  const client = await startClient({ env: model ? { NCP_MODELS_DIR: model } : {} });
  try {
    const uri = 'file:///bench-rss.ncp';
    const text = 'network a = [88, 128, 1, 1, 128, 1, 1, 4, 120, 32, 2, 1, 2, 4, 128, 128, 128, 1, 1, 1, 1, 1, 32, 128, 8, 8, 128]\n';
    await client.open(uri, text);
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
    const st = await waitForPredictors(client);
    // one hover with every setting's prediction, so the networks have run
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
    const m = rssMB(client.proc.pid!);
    console.log(`language server (dist/server.js) RSS, predictors ${st.kind}: ${m.rss.toFixed(0)} MB now, ${m.peak.toFixed(0)} MB peak  (goal < 250 MB)`);
  } finally {
    await client.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
