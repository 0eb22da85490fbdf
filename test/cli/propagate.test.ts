import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { findDataDir } from '../../server/src/core/benchmark';
import { cost } from '../../server/src/core/cost';
import { analyzeText } from '../../server/src/language/analyze';
import { parseCellString } from '../../server/src/core/space/nb201';
import { corruptModelsDir } from '../lsp/harness';

const root = join(__dirname, '..', '..');
const dataDir = findDataDir();
const skip = dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR or put the benchmark files in ../shared/data)';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function ncp(args: string[], cwd = root): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from(['']), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

const CLS = '88_128-1_1_1_128-1_2_1_4_120_32-2_3_1_2_4_128_128_128-1_4_1_1_1_1_32_128_8_8-128';

// Small predictors trained here (seg and cls-50-1000, a few epochs): the CLI paths, not their quality.
let models: string | undefined;
async function smallModels(): Promise<string> {
  if (models) return models;
  const dir = mkdtempSync(join(tmpdir(), 'ncp-propagate-'));
  const out = join(dir, 'models');
  const t = await ncp(['train', '--data', join(dataDir!, 'nasbench-mr.json'), '--out', out, '--settings', 'seg,cls-50-1000', '--epochs', '4', '--members', '2', '--seed', '2', '--teacher', '0']);
  assert.equal(t.status, 0, t.stderr);
  models = out;
  return out;
}

test('ncp propagate --from … --json: result within the budget, trace, predictions', { skip }, async () => {
  const m = await smallModels();
  const r = await ncp(['propagate', '--from', CLS, '--to', 'segmentation', '--flops-max', '2.5G', '--steps', '15', '--json', '--model', m]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.result.length, 27);
  assert.ok(out.flops.result <= 2.5, `within budget: ${out.flops.result}`);
  assert.ok(Math.abs(out.flops.result - cost(out.result).flops) < 1e-9, 'flops are the exact cost of the result');
  assert.ok(Math.abs(out.flops.start - cost(out.start).flops) < 1e-9);
  assert.equal(out.predicted[0].term, 'seg.mIoU');
  assert.ok(out.trace.length >= 2 && out.trace.length <= 16);
  assert.ok(out.trace.slice(1).every((s: { moved?: unknown }) => s.moved), 'winner-takes-all names the moved position');
  assert.match(r.stderr, /propagate: done/);
  assert.match(r.stderr, /over budget/, 'the 2.72 G start is shrunk first and the user is told');
});

test('ncp propagate FILE.ncp prints a network block that parses and fits the budget', { skip }, async () => {
  const m = await smallModels();
  const r = await ncp(['propagate', 'examples/propagate-to-seg.ncp', '--steps', '20', '--restarts', '2', '--model', m]);
  assert.equal(r.status, 0, r.stderr);
  const a = analyzeText(r.stdout);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  const net = a.networks.get('cls_net_segmentation');
  assert.ok(net?.code, 'a network named <source>_<task>');
  assert.ok(cost(net.code).flops <= 2.5);
  assert.match(r.stdout, /\/\/ seg\.mIoU [\d.]+ → [\d.]+ ± [\d.]+ \([+−][\d.]+\) predicted/);
  assert.match(r.stdout, /\/\/ FLOPs 2\.723 → [\d.]+ G MACs/);
  assert.match(r.stdout, /\/\/ trace:/);
});

test('ncp propagate: errors name the problem', { skip }, async () => {
  const m = await smallModels();
  const dir = mkdtempSync(join(tmpdir(), 'ncp-propagate-'));
  const file = join(dir, 'p.ncp');
  writeFileSync(file, readFileSync(join(root, 'examples/propagate-to-seg.ncp'), 'utf8').replace('flops <= 2.5 G', 'flops <= 0.001 G'));
  const imp = await ncp(['propagate', file, '--model', m]);
  assert.equal(imp.status, 1);
  assert.match(imp.stderr, /p\.ncp:\d+:\d+: propagate to_segmentation: .*(smallest|budget)/);
  const none = await ncp(['propagate', 'examples/propagate-to-seg.ncp', '--name', 'nope', '--model', m]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no propagate block 'nope' \(blocks: to_segmentation\)/);
  const noTo = await ncp(['propagate', '--from', CLS]);
  assert.equal(noTo.status, 2);
  assert.match(noTo.stderr, /--from needs --to/);
  const badCode = await ncp(['propagate', '--from', '1_2', '--to', 'seg', '--model', m]);
  assert.equal(badCode.status, 2);
  assert.match(badCode.stderr, /--from: /);
  const badStrategy = await ncp(['propagate', '--from', CLS, '--to', 'seg', '--strategy', 'greedy']);
  assert.equal(badStrategy.status, 2);
  assert.match(badStrategy.stderr, /--strategy: expected continuous or winner-takes-all/);
  const noPred = await ncp(['propagate', '--from', CLS, '--to', 'video', '--model', m]);
  assert.equal(noPred.status, 1);
  assert.match(noPred.stderr, /no predictor for setting 'video'/);
  // a corrupt model folder is the installation's fault, not a usage error: status 1, file named
  const broken = await ncp(['propagate', '--from', CLS, '--to', 'seg', '--model', corruptModelsDir()]);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /ncprop propagate: cannot load predictors: .*seg\.json: checksum mismatch/);
});

test('ncp nb201 --json: optimum, results with true accuracies, random search', { skip }, async () => {
  const r = await ncp(['nb201', '--data', join(dataDir!, 'nasbench201.json'), '--train-samples', '60', '--seed', '3', '--starts', '3', '--restarts', '2', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.doesNotThrow(() => parseCellString(out.optimum.cell));
  assert.equal(out.results.length, 3);
  for (const x of out.results) {
    parseCellString(x.cell);
    parseCellString(x.start);
    assert.ok(x.predicted <= out.optimum.predicted + 1e-3, 'nothing beats the enumerated optimum (float32 batch vs float64 single predictions)');
    assert.ok(x.true > 0 && x.true < 100);
    assert.ok(Number.isInteger(x.steps));
  }
  assert.equal(out.randomSearch.queries, 60);
  assert.ok(out.randomSearch.true > 0);
});
