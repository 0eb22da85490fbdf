// Exported networks checked in the real frameworks (issue 23):
//  - export time per network per format (pytorch, onnx, authors);
//  - N random codes (default 200) × {classification 128×128, segmentation 512×1024}: the PyTorch
//    module's parameters and multiply-accumulates, counted with forward hooks in ONE Python process
//    (scripts/torch_count.py, on PyTorch's meta device), equal the analytic figures (core/cost.ts);
//  - the same networks as ONNX: run in onnxruntime-node (batch 1) with the right output shape, and
//    the ONNX file's parameters (float initializers less batch-norm statistics) equal them too;
//  - ONNX Runtime latency of three example networks at 128×128 (median and run-to-run spread).
// Run: node --import tsx bench/export.ts [N=200] [--no-onnx-run] [--no-torch] [--no-latency] [--only cls|seg] [--run-every K] [--range A:B]
// (--run-every K: ONNX Runtime loads every model but runs only every Kth: a 512×1024 inference is
// minutes on a loaded machine)
// (PyTorch: Debian python3-torch; the parts can run as separate processes, e.g. --only seg --no-torch)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportNetwork, EXPORT_FORMATS, type ExportFormat } from '../server/src/core/export/exportNetwork';
import { onnxModel, readOnnxSummary } from '../server/src/core/export/onnx';
import { exactCost, resolveTarget, type ExportTarget } from '../server/src/core/export/target';
import { loadOrt, measureLatency } from '../server/src/core/export/latency';
import { codeToString, parseCode, randomCode } from '../server/src/core/space/multires';
import { makeRng } from '../server/src/core/random';
import { torchCount, torchUnavailable } from '../scripts/torchCount';

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200);
const runOnnx = !process.argv.includes('--no-onnx-run');
const runTorch = !process.argv.includes('--no-torch');
const runLatency = !process.argv.includes('--no-latency');
const runEvery = process.argv.includes('--run-every') ? Number(process.argv[process.argv.indexOf('--run-every') + 1]) : 1;
const range = process.argv.includes('--range') ? process.argv[process.argv.indexOf('--range') + 1].split(':').map(Number) : [0, Infinity];
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const rand = makeRng(2023);
const codes = Array.from({ length: n }, () => randomCode(rand));
const TARGETS: [string, ExportTarget][] = (
  [
    ['cls 128×128', resolveTarget({})],
    ['seg 512×1024', resolveTarget({ input: [512, 1024], head: 'seg' })],
  ] as [string, ExportTarget][]
).filter(([, t]) => only === undefined || t.head === only);
const dir = mkdtempSync(join(tmpdir(), 'ncp-bench-export-'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const outShape = (t: ExportTarget): number[] => (t.head === 'cls' ? [1, t.classes] : [1, t.classes, Math.ceil(t.input[0] / 4), Math.ceil(t.input[1] / 4)]);

async function main(): Promise<void> {
  console.log(`${n} random codes of the benchmark's space (seed 2023) × ${TARGETS.map((t) => t[0]).join(', ')}`);
  // 1. export time per format, and the PyTorch files
  const times: Record<ExportFormat, number[]> = { pytorch: [], onnx: [], authors: [] };
  const jobs: { file: string; input: [number, number]; code: number[]; target: ExportTarget; label: string }[] = [];
  let last = Date.now();
  for (const [ci, code] of codes.entries()) {
    for (const [label, target] of TARGETS) {
      for (const format of EXPORT_FORMATS) {
        if (format === 'onnx' && runOnnx) continue; // timed below, where each model is also run
        const t0 = performance.now();
        const e = exportNetwork(code, format, target);
        times[format].push(performance.now() - t0);
        if (format === 'pytorch') {
          const file = join(dir, `n${ci}_${target.head}.py`);
          writeFileSync(file, e.data);
          jobs.push({ file, input: target.input, code, target, label });
        }
      }
    }
    if (Date.now() - last > 1000) {
      console.log(`  exported ${ci + 1}/${n}`);
      last = Date.now();
    }
  }

  // 2. PyTorch: one process counts every file
  const why = runTorch ? torchUnavailable() : 'not asked for (--no-torch)';
  const agree: Record<string, { params: number; macs: number; shape: number; total: number }> = {};
  for (const [label] of TARGETS) agree[label] = { params: 0, macs: 0, shape: 0, total: 0 };
  if (why !== undefined) console.log(`PyTorch: skipped (${why})`);
  else {
    const t0 = performance.now();
    const got = await torchCount(jobs.map(({ file, input }) => ({ file, input })), (_r, done) => {
      if (Date.now() - last > 1000) {
        console.log(`  PyTorch counted ${done}/${jobs.length}`);
        last = Date.now();
      }
    });
    for (const [i, r] of got.entries()) {
      const j = jobs[i];
      const want = exactCost(j.code, j.target);
      const a = agree[j.label];
      a.total++;
      if (r.error) console.log(`  ${codeToString(j.code)} ${j.label}: ${r.error}`);
      if (r.params === want.params) a.params++;
      else console.log(`  params differ: ${codeToString(j.code)} ${j.label}: PyTorch ${r.params}, analytic ${want.params}`);
      if (r.macs === want.macs) a.macs++;
      else console.log(`  MACs differ: ${codeToString(j.code)} ${j.label}: PyTorch ${r.macs}, analytic ${want.macs}`);
      if (JSON.stringify(r.shape) === JSON.stringify(outShape(j.target))) a.shape++;
    }
    console.log(`PyTorch (${((performance.now() - t0) / 1000).toFixed(1)} s, one process, forward hooks on the meta device):`);
    for (const [label, a] of Object.entries(agree)) {
      console.log(`  ${label.padEnd(13)} params equal ${a.params}/${a.total}, multiply-accumulates equal ${a.macs}/${a.total}, output shape right ${a.shape}/${a.total}`);
    }
  }

  // 3. ONNX: write, read back, run once in ONNX Runtime
  if (runOnnx) {
    const ort = await loadOrt();
    const t0 = performance.now();
    for (const [label, target] of TARGETS) {
      let ok = 0;
      let ran = 0;
      let loaded = 0;
      let params = 0;
      const runMs: number[] = [];
      for (const [ci, code] of codes.entries()) {
        if (ci < range[0] || ci >= range[1]) continue; // --range: this process's share of the codes
        const te = performance.now();
        const e = onnxModel(code, target);
        times.onnx.push(performance.now() - te);
        if (readOnnxSummary(e.bytes).params === exactCost(code, target).params) params++;
        const session = await ort.InferenceSession.create(e.bytes, { intraOpNumThreads: 1 });
        loaded++;
        if (ci % runEvery === 0) {
          const x = new ort.Tensor('float32', new Float32Array(3 * target.input[0] * target.input[1]).fill(0.25), [1, 3, ...target.input]);
          const tr = performance.now();
          const y = (await session.run({ image: x })).logits;
          runMs.push(performance.now() - tr);
          ran++;
          if (JSON.stringify(y.dims) === JSON.stringify(outShape(target)) && (y.data as Float32Array).every(Number.isFinite)) ok++;
          else console.log(`  ONNX output of ${codeToString(code)} ${label}: ${JSON.stringify(y.dims)}`);
        }
        await session.release();
        if (Date.now() - last > 1000) {
          console.log(`  ONNX ${label}: ${ci + 1}/${n} (loaded ${loaded}, parameters equal ${params}, ran ${ran} with the right output shape ${ok})`);
          last = Date.now();
        }
      }
      const total = Math.min(n, range[1]) - range[0];
      console.log(`ONNX Runtime ${label.padEnd(13)} codes ${range[0]}–${Math.min(n, range[1]) - 1}: loaded ${loaded}/${total}, parameters equal ${params}/${total}, ran ${ran} with the right output shape (finite) ${ok}/${ran}; one run: median ${median(runMs).toFixed(1)} ms (1 thread)`);
    }
    console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  console.log('export time per network (median, both targets):');
  for (const f of EXPORT_FORMATS) if (times[f].length > 0) console.log(`  ${f.padEnd(8)} ${median(times[f]).toFixed(2)} ms  (max ${Math.max(...times[f]).toFixed(1)} ms, ${times[f].length} exports)`);

  // 4. latency of three example networks
  if (!runLatency || TARGETS[0][1].head !== 'cls') return;
  const examples: [string, number[]][] = [
    ['small (16 channels, 1 block a stage)', parseCode('16_16-1_1_1_16-1_2_1_1_16_32-1_3_1_1_1_16_32_64-1_4_1_1_1_1_16_32_64_128-64')],
    ['README example', parseCode('32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128')],
    ['examples/propagate-to-seg.ncp cls_net', [88, 128, 1, 1, 128, 1, 1, 4, 120, 32, 2, 1, 2, 4, 128, 128, 128, 1, 1, 1, 1, 1, 32, 128, 8, 8, 128]],
  ];
  console.log('ONNX Runtime latency at 128×128 (cls), batch 1, 1 thread, 3 warm-up + 20 timed runs (median, quartiles, spread = IQR/median):');
  for (const [label, target] of TARGETS.slice(0, 1)) {
    for (const [name, code] of examples) {
      const e = onnxModel(code, target);
      const l = await measureLatency(e.bytes, target.input, { threads: 1, runs: 20, warmup: 3 });
      console.log(`  ${label.padEnd(13)} ${name.padEnd(38)} ${(exactCost(code, target).macs / 1e9).toFixed(3).padStart(7)} GMACs  ${l.ms.toFixed(2).padStart(8)} ms  [${l.q1.toFixed(2)}–${l.q3.toFixed(2)}]  spread ${(100 * l.spread).toFixed(1)}%`);
    }
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
