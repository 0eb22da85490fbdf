// A setting that comes from the data, end to end: a generated 3D-detection pickle in the authors'
// shape (`3ddet/trainval.pkl`, metric `moderate`; generated values, no Python), `ncp train` on it, `ncp predict`, `ncp propagate`
// to 3ddet.moderate from the command line and from a file, `ncp check`, and the language server
// (diagnostics, completion, hover, inlay hints) with those predictors loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { CompletionItem, Hover, InlayHint } from 'vscode-languageserver-protocol';
import { root, startClient, waitForPredictors } from './harness';
import { DET3D, generatedBenchmark } from '../cli/generatedBenchmark';
import { mrRow } from '../data/fixtures';
import { pickle } from '../data/pickleWriter';

const dir = mkdtempSync(join(tmpdir(), 'ncp-3ddet-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data', '3ddet', 'trainval.pkl');
const models = join(dir, 'models');
const START = '32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128';
const DOC = `network start = "${START}"

propagate to_det from start {
  maximize 3ddet.moderate
  flops <= 2.5 G
  steps 10
}
`;

function ncp(args: string[], input = '') {
  // the built CLI, as a user runs it
  return spawnSync(process.execPath, [join(root, 'bin/ncp.js'), ...args], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, NCP_MODELS_DIR: '' } });
}

test('3ddet from a generated pickle: train records task and metrics, then predict, propagate and check use it', async () => {
  // the language-server harness builds dist/ (the CLI bundle with it)
  const c = await startClient();
  await c.stop();
  // the authors' 3ddet shape: a pickled list of dicts (metrics, flops, params, supernet arguments, embedding)
  const rows = generatedBenchmark([DET3D], 160).archs.map((a) => {
    const [moderate, easy, hard] = a['3ddet'] as number[];
    return mrRow(a.code as number[], { easy, moderate, hard });
  });
  mkdirSync(join(dir, 'data', '3ddet'), { recursive: true });
  writeFileSync(data, pickle(rows));
  const t = ncp(['train', '--data', data, '--out', models, '--epochs', '3', '--members', '1', '--teacher', '0', '--seed', '2', '--prior', 'none']);
  assert.equal(t.status, 0, t.stderr);
  const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.settings), ['3ddet']);
  assert.equal(manifest.settings['3ddet'].task, 'detection');
  assert.deepEqual(manifest.settings['3ddet'].metrics, ['moderate', 'easy', 'hard']);

  // predict by setting and by task name
  for (const s of ['3ddet', 'detection']) {
    const p = ncp(['predict', '--model', models, '--setting', s, '--json', START]);
    assert.equal(p.status, 0, p.stderr);
    const line = JSON.parse(p.stdout.trim());
    assert.deepEqual(Object.keys(line.predictions['3ddet']), ['moderate', 'easy', 'hard']);
    assert.equal(typeof line.predictions['3ddet'].moderate.mean, 'number');
  }
  // a misspelt setting: did you mean, from the models' catalogue
  const bad = ncp(['predict', '--model', models, '--setting', '3ddte', START]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown setting or task '3ddte' \(did you mean '3ddet'\?\)/);

  // propagate from the command line: --to 3ddet.moderate and --to 3ddet (its main metric)
  for (const to of ['3ddet.moderate', '3ddet', 'detection']) {
    const r = ncp(['propagate', '--from', START, '--to', to, '--flops-max', '2.5G', '--steps', '8', '--json', '--model', models]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim());
    assert.equal(out.predicted[0].term, '3ddet.moderate');
    assert.ok(out.flops.result <= 2.5 + 1e-9);
    assert.ok(out.predicted[0].result.mean >= out.predicted[0].start.mean - 1e-6, 'propagation does not make the objective worse');
  }
  const metric = ncp(['propagate', '--from', START, '--to', '3ddet.moderat', '--model', models]);
  assert.equal(metric.status, 2);
  assert.match(metric.stderr, /setting '3ddet' has no metric 'moderat' \(did you mean 'moderate'\?\)/);

  // a file's propagate block maximising 3ddet.moderate
  writeFileSync(join(dir, 'det.ncp'), DOC);
  const f = ncp(['propagate', 'det.ncp', '--model', models]);
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stdout, /\/\/ 3ddet\.moderate [\d.]+ → [\d.]+ ± [\d.]+/);
  assert.match(f.stdout, /^network start_detection \{/m);

  // check: known with the models, unknown (with the known list) without them
  assert.equal(ncp(['check', '--model', models, 'det.ncp']).status, 0);
  const plain = ncp(['check', 'det.ncp']);
  assert.equal(plain.status, 1);
  assert.match(plain.stdout, /unknown setting '3ddet'/);
});

test('the language server with 3ddet predictors: diagnostics, completion, hover and hints know the setting', async (t) => {
  if (!readFileSafe(join(models, 'manifest.json'))) {
    t.skip('the training test above did not produce models');
    return;
  }
  const c = await startClient({ initializationOptions: { modelsDir: models }, settings: { ncp: { hints: { enabled: true, settings: ['3ddet'] } } } });
  const uri = 'file:///det.ncp';
  try {
    const diags = await c.open(uri, DOC);
    assert.deepEqual(diags.diagnostics.map((d) => d.message), []);
    const typo = await c.change(uri, DOC.replace('3ddet.moderate', '3ddte.moderate'));
    assert.match(String(typo.diagnostics[0]?.message ?? ''), /unknown setting '3ddte' \(did you mean '3ddet'\?\)/);
    const wrongMetric = await c.change(uri, DOC.replace('3ddet.moderate', '3ddet.mIoU'));
    assert.match(String(wrongMetric.diagnostics[0]?.message ?? ''), /setting '3ddet' has no metric 'mIoU'.*its metrics: moderate, easy, hard/);
    await c.change(uri, DOC);

    const line = DOC.split('\n').findIndex((l) => l.includes('maximize'));
    const col = DOC.split('\n')[line].indexOf('3ddet');
    const settings = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line, character: col } });
    assert.ok(settings.some((i) => i.label === '3ddet'), 'completion offers 3ddet');
    assert.ok(settings.some((i) => i.label === 'detection'), 'completion offers the task name');
    const metrics = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line, character: col + '3ddet.'.length } });
    assert.deepEqual(metrics.map((i) => i.label), ['moderate', 'easy', 'hard']);

    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: col + 1 } });
    const md = (h.contents as { value: string }).value;
    assert.match(md, /\*\*3ddet\*\* — detection/);
    assert.match(md, /`moderate` \(main\)/);

    assert.equal((await waitForPredictors(c, 120_000)).kind, 'ready');
    const net = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
    assert.match((net.contents as { value: string }).value, /\| 3ddet \| moderate \| -?\d+\.\d ± \d+\.\d \|/);
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } } });
    assert.match(String(hints[0]?.label), /3ddet moderate -?\d+\.\d±\d+\.\d/);
  } finally {
    await c.stop();
  }
});

function readFileSafe(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}
