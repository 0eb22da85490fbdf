import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { authorsJson, authorsExport } from '../../../server/src/core/export/authors';
import { pytorchModule } from '../../../server/src/core/export/pytorch';
import { onnxModel, readOnnxSummary, ONNX_INPUT, ONNX_OUTPUT } from '../../../server/src/core/export/onnx';
import { modelProtoType } from '../../../server/src/core/export/onnxSchema';
import { checkExportable, exactCost, ExportError, resolveTarget, type ExportTarget } from '../../../server/src/core/export/target';
import { cost } from '../../../server/src/core/cost';
import { parseCode, randomCode, torchArgsToCode } from '../../../server/src/core/space/multires';
import { makeRng } from '../../../server/src/core/random';
import { torchCount, torchUnavailable } from '../../../scripts/torchCount';

const A = parseCode('32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128');
const CLS = resolveTarget({});
const SEG = resolveTarget({ input: [512, 1024], head: 'seg' });
// A, two random codes of the benchmark's space, and a small odd-sized one (sizes that do not halve evenly)
const rand = makeRng(23);
const CODES = [A, randomCode(rand), randomCode(rand)];

function torchSkip(): string | undefined {
  const why = torchUnavailable();
  if (why !== undefined && process.env.CI === 'true') throw new Error(`${why} (CI=true: PyTorch is required)`);
  return why;
}

test('exactCost is cost.ts in integers', () => {
  const c = exactCost(A, SEG);
  const f = cost(A, { input: [512, 1024], head: 'seg' });
  assert.ok(Number.isInteger(c.macs) && Number.isInteger(c.params));
  assert.ok(Math.abs(c.macs - f.flops * 1e9) < 1e-3 && Math.abs(c.params - f.params * 1e6) < 1e-6);
  assert.deepEqual(exactCost(A, CLS), { macs: 780134706, params: 4099410 });
});

test('authors JSON: the MultiResolutionNet arguments, one block per entry, back to the same code', () => {
  const text = authorsJson(A, SEG);
  const obj = JSON.parse(text) as ReturnType<typeof authorsExport>;
  assert.deepEqual(obj.input_channel, [32, 32]);
  assert.equal(obj.network_setting.length, 1 + 2 + 3 + 1);
  assert.deepEqual(obj.network_setting[1], [2, [2, 2], [32, 64]]);
  assert.equal(obj.last_channel, 128);
  assert.equal(obj.num_classes, 19);
  assert.equal(obj.task, 'segmentation');
  assert.deepEqual(torchArgsToCode(obj), A);
  assert.match(text, /26373881856 multiply-accumulates/);
});

test('export checks: not a network, too large, bad target', () => {
  const bad = [...A];
  bad[5] = 0;
  assert.throws(() => pytorchModule(bad, CLS), (e: unknown) => e instanceof ExportError && /must be positive/.test(e.message));
  const huge = [...A];
  huge[2] = 5000;
  assert.throws(() => onnxModel(huge, CLS), (e: unknown) => e instanceof ExportError && /at most 4096/.test(e.message));
  const wide = [...A];
  wide[26] = 2_000_000;
  assert.throws(() => checkExportable(wide, CLS), /parameters; an export holds at most/);
  assert.throws(() => resolveTarget({ input: [0, 3] }), /input height must be an integer from 1/);
  assert.throws(() => resolveTarget({ classes: 1e9 }), /classes must be/);
});

test('ONNX: a valid ModelProto that ONNX Runtime runs, with the right output shape and the analytic parameter count', async () => {
  const targets: ExportTarget[] = [CLS, SEG, resolveTarget({ input: [97, 75], head: 'seg', classes: 3 })];
  for (const [i, code] of CODES.entries()) {
    const t = targets[i];
    const e = onnxModel(code, t);
    const type = modelProtoType();
    assert.equal(type.verify(type.toObject(type.decode(e.bytes))), null);
    const s = readOnnxSummary(e.bytes);
    assert.equal(s.params, exactCost(code, t).params, `params of ${code}`);
    assert.equal(s.opset, 18);
    assert.deepEqual(s.inputShape, ['batch', 3, ...t.input]);
    assert.equal(s.metadata['ncp.code'], `[${code.join(',')}]`);
    const session = await ort.InferenceSession.create(e.bytes, { intraOpNumThreads: 1 });
    try {
      const x = new ort.Tensor('float32', new Float32Array(3 * t.input[0] * t.input[1]).fill(0.5), [1, 3, ...t.input]);
      const y = (await session.run({ [ONNX_INPUT]: x }))[ONNX_OUTPUT];
      assert.deepEqual(y.dims, e.outputShape);
      const want = t.head === 'cls' ? [1, t.classes] : [1, t.classes, Math.ceil(t.input[0] / 4), Math.ceil(t.input[1] / 4)];
      assert.deepEqual(e.outputShape, want);
      assert.ok((y.data as Float32Array).every(Number.isFinite));
    } finally {
      await session.release();
    }
  }
});

test('PyTorch round trip: code → file → module → parameters and multiply-accumulates counted with hooks equal the analytic cost', async (t) => {
  const why = torchSkip();
  if (why !== undefined) {
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ncp-export-'));
  try {
    const jobs: { file: string; input: [number, number]; real: boolean; want: { macs: number; params: number }; shape: number[] }[] = [];
    const targets: ExportTarget[] = [CLS, SEG, resolveTarget({ input: [97, 75], head: 'seg', classes: 3 }), resolveTarget({ input: [224, 224], classes: 1000 })];
    CODES.forEach((code, i) => {
      for (const [k, target] of targets.entries()) {
        const file = join(dir, `net${i}_${k}.py`);
        writeFileSync(file, pytorchModule(code, target));
        const shape = target.head === 'cls' ? [1, target.classes] : [1, target.classes, Math.ceil(target.input[0] / 4), Math.ceil(target.input[1] / 4)];
        // real CPU forwards where cheap (the benchmark's input, the odd size), meta elsewhere
        jobs.push({ file, input: target.input, real: k === 0 || k === 2, want: exactCost(code, target), shape });
      }
    });
    const got = await torchCount(jobs);
    assert.equal(got.length, jobs.length);
    for (const [i, r] of got.entries()) {
      assert.equal(r.error, undefined, r.error);
      assert.equal(r.params, jobs[i].want.params, `params of ${r.file}`);
      assert.equal(r.macs, jobs[i].want.macs, `MACs of ${r.file}`);
      assert.deepEqual(r.shape, jobs[i].shape);
      if (jobs[i].real) assert.equal(r.finite, true);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
