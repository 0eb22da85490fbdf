// The data readers: the authors' pickles (generated here in both shapes, and the real ones when
// present), our JSON, JSON Lines and CSV measurements, merging, and every kind of bad input
// answered with the file, row and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, loadData, loadDataAsync, loadDataSources, readAuthorsPickle, toBenchmarkJson, type Dataset } from '../../server/src/core/data';
import { loadTrainingData } from '../../server/src/core/predict/dataset';
import { findDataDir } from '../../server/src/core/benchmark';
import { codeToNetwork, codeToString } from '../../server/src/core/space/multires';
import { cellToString } from '../../server/src/core/space/nb201';
import { cost } from '../../server/src/core/cost';
import { appendMeasurement } from '../../server/src/core/search/measurementsFile';
import { measurementsFromData } from '../../server/src/core/search/fromData';
import { dict, pickle, PyF32Array, PyFloat, PyGlobal, PyTuple } from '../data/pickleWriter';
import { codes, mrRow, nb201Row, writeAuthorsFolder } from '../data/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'ncp-data-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
  return p;
}

/** The DataError a read throws (fails the test when it does not throw one). */
function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw new Error(`expected a DataError, got ${(e as Error).stack}`);
  }
  throw new Error('expected a DataError, the read succeeded');
}

const entryOf = (d: Dataset, code: number[]) => d.entries.find((e) => e.code.join() === code.join());

test('a generated NAS-Bench-MR pickle (protocol 2) reads as the setting its folder names', () => {
  const cs = codes(5);
  const p = file('mr/seg/trainval.pkl', pickle(cs.map((c, i) => mrRow(c, { mIoU: 70 + i, mAcc: 80, aAcc: 95.5 })), 2));
  const d = loadData(p);
  assert.deepEqual(d.settings.map((s) => [s.name, s.task, s.metrics]), [['seg', 'segmentation', ['mIoU', 'mAcc', 'aAcc']]]);
  assert.equal(d.entries.length, 5);
  assert.deepEqual(d.entries[2].code, cs[2]);
  assert.deepEqual(d.entries[2].results.seg, [72, 80, 95.5]);
  assert.ok(Math.abs(d.entries[2].flops! - cost(cs[2]).flops) < 1e-9);
});

test('a generated NAS-Bench-201 pickle: numpy float32 one-hot embeddings, protocols 4 and 2', () => {
  const cells = [[0, 1, 2, 3, 4, 0], [4, 4, 4, 4, 4, 4]];
  for (const protocol of [4, 2] as const) {
    const p = file(`nb${protocol}/nas-bench-201/trainval.pkl`, pickle(cells.map((c, i) => nb201Row(c, 30.5 + i)), protocol));
    const d = loadData(p);
    assert.deepEqual(d.settings.map((s) => [s.name, s.space, s.metrics]), [['nb201', 'nb201', ['acc']]]);
    assert.deepEqual(d.entries.map((e) => e.code), cells);
    assert.deepEqual(d.entries.map((e) => e.results.nb201[0]), [30.5, 31.5]);
    assert.equal(d.entries[1].flops, 14);
  }
});

test("the authors' folder: every <setting>/trainval.pkl joins by network, 3ddet (moderate first) among them", async () => {
  const root = join(dir, 'authors');
  const { codes: cs, cells } = writeAuthorsFolder(root, 30);
  const d = loadData(root);
  assert.deepEqual(d.settings.map((s) => s.name), ['3ddet', 'cls-10c', 'nb201', 'seg']);
  const det = d.settings.find((s) => s.name === '3ddet')!;
  assert.deepEqual([det.task, det.metrics], ['detection', ['moderate', 'easy', 'hard']]);
  assert.equal(d.entries.length, 30 + cells.length);
  const e = entryOf(d, cs[7])!;
  assert.deepEqual(Object.keys(e.results).sort(), ['3ddet', 'cls-10c', 'seg']);
  // the async reader (the language server's) gives the same
  const a = await loadDataAsync(root);
  assert.deepEqual(a.entries.map((x) => x.results), d.entries.map((x) => x.results));
  // training data: one setting per folder, the same networks in every multi-resolution one
  const t = loadTrainingData(root);
  assert.equal(t.settings.find((s) => s.setting === '3ddet')!.targets[0].length, 3);
  assert.equal(t.settings.find((s) => s.setting === 'nb201')!.inputs[0].length, 30);
});

test('our JSON round trip: toBenchmarkJson of a folder reads back to the same dataset', () => {
  const root = join(dir, 'authors-rt');
  writeAuthorsFolder(root, 12);
  const d = loadData(root);
  const p = file('rt.json', JSON.stringify(toBenchmarkJson(d, 'rt')));
  const back = loadData(p);
  assert.deepEqual(back.settings.map((s) => [s.name, s.metrics, s.space]), d.settings.map((s) => [s.name, s.metrics, s.space]));
  assert.deepEqual(back.entries.map((e) => [e.code, e.results]), d.entries.map((e) => [e.code, e.results]));
});

test('JSON Lines measurements: the code in each of its three forms, a cell, notes; FLOPs computed when absent', () => {
  const [a, b, c] = codes(3, 9);
  const structured = codeToNetwork(a); // {stem, stages: [{blocks, units, channels}], head}
  const lines = [
    JSON.stringify({ code: codeToString(a), setting: 'mydata', task: 'detection', metrics: { mAP: 31.5, latency_ms: 12 }, notes: 'first run' }),
    '# a comment line',
    JSON.stringify({ code: b, setting: 'mydata', metrics: { mAP: 33, latency_ms: 15 }, flops: 1.5, params: 2 }),
    JSON.stringify({ code: structured, setting: 'seg', metrics: { mIoU: 60, mAcc: 70, aAcc: 90 } }),
    JSON.stringify({ code: `[${c.join(', ')}]`, setting: 'seg', metrics: { aAcc: 91, mIoU: 61, mAcc: 71 } }),
    JSON.stringify({ code: cellToString([1, 2, 3, 4, 0, 1]), setting: 'nb201', metrics: { acc: 40 } }),
  ];
  const d = loadData(file('m.jsonl', lines.join('\n') + '\n'));
  assert.deepEqual(d.settings.map((x) => [x.name, x.task, x.metrics]), [['mydata', 'detection', ['mAP', 'latency_ms']], ['seg', 'segmentation', ['mIoU', 'mAcc', 'aAcc']], ['nb201', 'nb201', ['acc']]]);
  assert.deepEqual(entryOf(d, a)!.notes, { mydata: 'first run' });
  assert.ok(Math.abs(entryOf(d, a)!.flops! - cost(a).flops) < 1e-12);
  assert.equal(entryOf(d, b)!.flops, 1.5);
  assert.deepEqual(entryOf(d, c)!.results.seg, [61, 71, 91]);
  assert.deepEqual(entryOf(d, [1, 2, 3, 4, 0, 1])!.results.nb201, [40]);
});

test('CSV measurements: header, metric columns, empty cells for another setting, quoted codes', () => {
  const [a, b] = codes(2, 4);
  const csv = [
    '# my runs',
    'code,setting,mIoU,mAcc,aAcc,top1,notes',
    `${codeToString(a)},seg,60.5,70,90,,"lr 0.1, 3 seeds"`,
    `"[${b.join(', ')}]",seg,61,71,91,,`,
    `${codeToString(a)},my-cls,,,,55.5,`,
  ].join('\r\n');
  const d = loadData(file('m.csv', csv));
  assert.deepEqual(d.settings.map((s) => [s.name, s.metrics]), [['seg', ['mIoU', 'mAcc', 'aAcc']], ['my-cls', ['top1']]]);
  assert.deepEqual(entryOf(d, a)!.results, { seg: [60.5, 70, 90], 'my-cls': [55.5] });
  assert.equal(entryOf(d, a)!.notes?.seg, 'lr 0.1, 3 seeds');
});

test('merging: a measurement file beside a benchmark joins by network; a disagreement names both places', () => {
  const root = join(dir, 'authors-m');
  const { codes: cs } = writeAuthorsFolder(root, 10);
  const mine = file('mine.jsonl', JSON.stringify({ code: cs[3], setting: 'video', metrics: { top1: 20, top5: 50 } }) + '\n' + JSON.stringify({ code: codes(12, 77)[11], setting: 'video', metrics: { top1: 21, top5: 51 } }) + '\n');
  const d = loadDataSources([root, mine]);
  assert.deepEqual(Object.keys(entryOf(d, cs[3])!.results).sort(), ['3ddet', 'cls-10c', 'seg', 'video']);
  const segPkl = join(root, 'seg', 'trainval.pkl');
  const bad = file('bad.jsonl', JSON.stringify({ code: cs[3], setting: 'seg', metrics: { mIoU: 1, mAcc: 2, aAcc: 3 } }) + '\n');
  const e = dataError(() => loadDataSources([root, bad]));
  assert.match(e.message, /bad\.jsonl: row 1: setting 'seg', field 'mIoU' = 1 disagrees with [\d.]+ for the same network in .*seg[\\/]trainval\.pkl: row 4/);
  const flops = file('flops.jsonl', JSON.stringify({ code: cs[3], setting: 'x', metrics: { top1: 1 }, flops: 99 }) + '\n');
  assert.match(dataError(() => loadDataSources([segPkl, flops])).message, /flops\.jsonl: row 1: field 'flops' = 99 disagrees with [\d.]+ for the same network in .*trainval\.pkl: row 4/);
  const metrics = file('metrics.jsonl', JSON.stringify({ code: cs[3], setting: 'seg', metrics: { mIoU: 1 } }) + '\n');
  assert.match(dataError(() => loadDataSources([segPkl, metrics])).message, /setting 'seg' has metrics mIoU; an earlier file has mIoU, mAcc, aAcc/);
});

test('malformed pickles: truncated, wrong types, missing keys, huge or NaN values, codes outside the space', () => {
  const cs = codes(4, 5);
  const rows = cs.map((c) => mrRow(c, { top1: 50, top5: 80 }));
  const good = pickle(rows);
  const truncated = dataError(() => readAuthorsPickle(good.subarray(0, good.length - 200), 'x/cls-10c/trainval.pkl'));
  assert.match(truncated.message, /x\/cls-10c\/trainval\.pkl: cannot read the pickle \(the file is truncated or corrupt\)/);
  const mutate = (i: number, key: string, v: unknown) => {
    const r = cs.map((c) => mrRow(c, { top1: 50, top5: 80 }));
    if (v === undefined) r[i].delete(key);
    else r[i].set(key, v as never);
    return () => readAuthorsPickle(pickle(r), 'd/cls-10c/trainval.pkl');
  };
  assert.match(dataError(mutate(2, 'embedding', undefined)).message, /d\/cls-10c\/trainval\.pkl: row 3, field 'embedding': missing/);
  assert.match(dataError(mutate(1, 'embedding', 'a string')).message, /row 2, field 'embedding': expected 27 integers \(a network code\), got the text "a string"/);
  assert.match(dataError(mutate(1, 'top1', 'high')).message, /row 2, field 'top1': metric 'top1' must be a number, got the text "high"/);
  assert.match(dataError(mutate(3, 'top5', new PyFloat(NaN))).message, /row 4, field 'top5': metric 'top5' is NaN, not a finite number/);
  assert.match(dataError(mutate(3, 'top5', new PyFloat(1e308))).message, /row 4, field 'top5': metric 'top5' = 1e\+308 is beyond ±10000/);
  assert.match(dataError(mutate(0, 'top1', new PyFloat(130))).message, /row 1, field 'top1': metric 'top1' is a percentage, got 130/);
  assert.match(dataError(mutate(0, 'flops', new PyFloat(-3))).message, /row 1, field 'flops': -3 is outside/);
  assert.match(dataError(mutate(1, 'top5', undefined)).message, /row 2, field 'top5': missing/);
  assert.match(dataError(mutate(0, 'top5', undefined)).message, /row 2, field 'top5': not a metric of this file \(row 1 has only top1: is it missing there\?\)/);
  const zero = [...cs[0]];
  zero[2] = 0;
  assert.match(dataError(mutate(0, 'embedding', zero)).message, /row 1, field 'embedding': not a network of the space: stage1\.blocks: block count must be positive/);
  assert.match(dataError(mutate(0, 'embedding', cs[1])).message, /row 1, field 'embedding': disagrees with input_channel\/inverted_residual_setting\/last_channel/);
  assert.match(dataError(() => readAuthorsPickle(pickle(dict({ a: 1 })), 'f.pkl')).message, /f\.pkl: expected a list of measured networks/);
  assert.match(dataError(() => readAuthorsPickle(Buffer.from('{"json": true}'), 'f.pkl')).message, /not a Python pickle/);
  // an NB201 embedding that is not a one-hot
  const nb = [nb201Row([0, 1, 2, 3, 4, 0], 30)];
  nb[0].set('embedding', new PyF32Array(new Array(30).fill(0.5)));
  assert.match(dataError(() => readAuthorsPickle(pickle(nb, 4), 'nas-bench-201/trainval.pkl')).message, /row 1, field 'embedding': expected the 30-number one-hot/);
});

test('a pickle naming any other Python global is refused, and nothing runs', () => {
  const evil = pickle([new PyGlobal('os', 'system', ['touch ' + join(dir, 'pwned')])]);
  assert.match(dataError(() => readAuthorsPickle(evil, 'evil.pkl')).message, /evil\.pkl: cannot read the pickle: refusing the Python global 'os\.system'/);
  const builtins = pickle([new PyGlobal('builtins', 'eval', ['1+1'])], 4);
  assert.match(dataError(() => readAuthorsPickle(builtins, 'evil4.pkl')).message, /refusing the Python global 'builtins\.eval'/);
  assert.equal(existsSync(join(dir, 'pwned')), false);
  // a tuple where a dict belongs
  assert.match(dataError(() => readAuthorsPickle(pickle([new PyTuple([1, 2])]), 'seg/trainval.pkl')).message, /row 1: expected a dict, got a list of 2/);
});

test('our JSON: empty, short, string or null metrics and absurd targets are errors naming row and field', () => {
  const [a, b] = codes(2, 3);
  const base = { settings: { seg: { task: 'segmentation', metrics: ['mIoU', 'mAcc', 'aAcc'] } }, archs: [{ code: a, flops: 1, params: 1, seg: [50, 60, 70] }, { code: b, flops: 1, params: 1, seg: [51, 61, 71] }] };
  const bad = (edit: (j: typeof base & Record<string, unknown>) => void) => {
    const j = structuredClone(base) as typeof base & Record<string, unknown>;
    edit(j);
    return dataError(() => loadData(file('bad.json', JSON.stringify(j)))).message;
  };
  assert.match(bad((j) => ((j.archs[1] as Record<string, unknown>).seg = [])), /bad\.json: row 2, field 'archs\[1\]\.seg': expected 3 numbers \(mIoU, mAcc, aAcc\), got 0/);
  assert.match(bad((j) => ((j.archs[1] as Record<string, unknown>).seg = [50])), /row 2, field 'archs\[1\]\.seg': expected 3 numbers .*got 1/);
  assert.match(bad((j) => ((j.archs[0] as Record<string, unknown>).seg = '50,60,70')), /row 1, field 'archs\[0\]\.seg': expected 3 numbers .*got the text/);
  assert.match(bad((j) => ((j.archs[0] as Record<string, unknown>).seg = [50, '60', 70])), /row 1, field 'archs\[0\]\.seg\[1\]': metric 'mAcc' must be a number/);
  assert.match(bad((j) => ((j.settings.seg as Record<string, unknown>).metrics = null)), /bad\.json: field 'settings\.seg\.metrics': expected a non-empty list of metric names, got null/);
  assert.match(bad((j) => ((j.archs[1] as Record<string, unknown>).seg = [1e308, 60, 70])), /row 2, field 'archs\[1\]\.seg\[0\]': metric 'mIoU' = 1e\+308 is beyond/);
  assert.match(bad((j) => ((j.archs[1] as Record<string, unknown>).seg = [-5e31, 60, 70])), /metric 'mIoU' = -5e\+31 is beyond/);
  assert.match(bad((j) => ((j.archs[0] as Record<string, unknown>).code = a.slice(0, 20))), /row 1, field 'archs\[0\]\.code': expected 27 integers/);
  assert.match(bad((j) => ((j.archs[0] as Record<string, unknown>).sge = [1, 2, 3])), /row 1, field 'archs\[0\]\.sge': unknown field/);
  const cut = JSON.stringify(base).slice(0, 120);
  assert.match(dataError(() => loadData(file('cut.json', cut))).message, /cut\.json: the file is not valid JSON .*truncated/);
});

test("a search's measurements file (ncprop search --out) is data: metrics by setting, failures skipped, extras allowed", () => {
  const [a, b, c] = codes(3, 21);
  const out = join(dir, 'search-out.jsonl');
  // written by the search's own writer, so the two stay one format
  appendMeasurement(out, { space: 'multires', point: a, metrics: { seg: { mIoU: 70.5, mAcc: 80, aAcc: 95 }, video: { top1: 50 } }, ok: true, seconds: 3521.2 });
  appendMeasurement(out, { space: 'multires', point: b, ok: false, error: 'timed out after 3600 s', seconds: 3600 });
  appendMeasurement(out, { space: 'multires', point: c, proposed: a, metrics: { seg: { mIoU: 71, mAcc: 81, aAcc: 96 } }, ok: true, seconds: 0, note: 'replaced by the nearest' });
  const d = loadData(out);
  assert.deepEqual(d.settings.map((x) => [x.name, x.task, x.metrics]), [['seg', 'segmentation', ['mIoU', 'mAcc', 'aAcc']], ['video', 'video', ['top1']]]);
  assert.equal(d.entries.length, 2, 'the failed row is not data');
  assert.deepEqual(entryOf(d, a)!.results, { seg: [70.5, 80, 95], video: [50] });
  assert.ok(Math.abs(entryOf(d, a)!.flops! - cost(a).flops) < 1e-12, 'exact cost of the code');
  assert.deepEqual(entryOf(d, c)!.notes, { seg: 'replaced by the nearest' });
  assert.deepEqual(d.failed!.map((f) => f.code), [b]);
  assert.match(d.failed![0].origin, /search-out\.jsonl: row 2/);
  // as the search's measurements again (ncprop suggest): the failure counts as tried
  const ms = measurementsFromData(d, 'multires');
  assert.deepEqual(ms.map((m) => [m.ok, m.metrics?.seg?.mIoU]), [[true, 70.5], [true, 71], [false, undefined]]);

  // NAS-Bench-201 cells, the setting nb201 / metric acc; a file of one row and no extension
  const cell = [1, 2, 3, 4, 0, 1];
  const one = file('one-row', JSON.stringify({ space: 'nb201', cell: cellToString(cell), metrics: { nb201: { acc: 46.2 } }, ok: true, seconds: 0 }) + '\n');
  const n = loadData(one);
  assert.deepEqual(n.settings.map((x) => [x.name, x.space, x.metrics]), [['nb201', 'nb201', ['acc']]]);
  assert.deepEqual(n.entries[0].code, cell);
  // a search row and a plain row in one file, merged with a benchmark-style file by network
  const mixed = file('mixed.jsonl', [JSON.stringify({ space: 'multires', code: a, metrics: { seg: { mIoU: 70.5, mAcc: 80, aAcc: 95 } }, ok: true }), JSON.stringify({ code: codeToString(b), setting: 'seg', metrics: { mIoU: 60, mAcc: 70, aAcc: 90 } })].join('\n'));
  assert.equal(loadDataSources([mixed, out]).entries.length, 3);
  // `ncprop search --json > FILE`: the measurement lines (index, value) and the summary line
  const saved = file('saved.jsonl', [JSON.stringify({ index: 1, space: 'multires', code: a, metrics: { seg: { mIoU: 70.5, mAcc: 80, aAcc: 95 } }, ok: true, seconds: 1, value: 70.5 }), JSON.stringify({ summary: true, measured: 1, failed: 0, best: null, stopReason: 'queries', measure: 'measure' })].join('\n'));
  assert.equal(loadData(saved).entries.length, 1);

  const jl = (lines: unknown[]) => dataError(() => loadData(file('bad-search.jsonl', lines.map((l) => JSON.stringify(l)).join('\n')))).message;
  assert.match(jl([{ space: 'nb201', code: a, metrics: { nb201: { acc: 4 } }, ok: true }]), /row 1, field 'code': 'space' is "nb201" but this is a network code/);
  assert.match(jl([{ space: 'cells', cell: cellToString(cell), ok: true }]), /row 1, field 'space': expected "multires" or "nb201"/);
  assert.match(jl([{ space: 'nb201', cell: '|bogus~0|', metrics: { nb201: { acc: 4 } }, ok: true }]), /row 1, field 'cell': /);
  assert.match(jl([{ space: 'multires', code: a, ok: true }]), /row 1, field 'metrics': missing/);
  assert.match(jl([{ space: 'multires', code: a, metrics: { seg: 70 }, ok: true }]), /row 1, field 'metrics\.seg': expected an object of metric → value/);
  assert.match(jl([{ space: 'multires', code: a, metrics: { seg: { mIoU: 170 } }, ok: true }]), /row 1, field 'mIoU': metric 'mIoU' is a percentage, got 170/);
  assert.match(jl([{ space: 'multires', code: a, metrics: { seg: { mIoU: 70 } }, ok: 'yes' }]), /row 1, field 'ok': expected true or false/);
  assert.match(jl([{ space: 'multires', code: a, metrics: { seg: { mIoU: 70 } }, ok: true, gpu: 'a100' }]), /row 1, field 'gpu': unknown field/);
  assert.match(jl([{ space: 'multires', code: b, ok: false, error: 'oom' }]), /no measurement rows \(only 1 failed measurement\(s\), which are not data\)/);
});

test('measurement files: one bad line or cell is named by line and field', () => {
  const [a] = codes(1, 8);
  const ok = JSON.stringify({ code: a, setting: 'seg', metrics: { mIoU: 60, mAcc: 70, aAcc: 90 } });
  const jl = (lines: string[]) => dataError(() => loadData(file('bad.jsonl', lines.join('\n')))).message;
  assert.match(jl([ok, '{"code": [1, 2', ok]), /bad\.jsonl: row 2: not valid JSON/);
  assert.match(jl([ok, JSON.stringify({ code: a, setting: 'seg', metrics: { mIoU: 'x' } })]), /row 2, field 'mAcc': missing: setting 'seg' has mIoU, mAcc, aAcc/);
  assert.match(jl([JSON.stringify({ code: a, setting: 'seg', metrics: { mIoU: 'x', mAcc: 1, aAcc: 2 } })]), /row 1, field 'mIoU': metric 'mIoU' must be a number, got the text "x"/);
  assert.match(jl([JSON.stringify({ code: a, setting: 'seg', metrics: null })]), /row 1, field 'metrics': expected an object of metric → value, got null/);
  assert.match(jl([JSON.stringify({ code: a, metrics: { top1: 5 } })]), /row 1, field 'setting': missing/);
  assert.match(jl([JSON.stringify({ code: '64_64-1_1_4', setting: 's', metrics: { top1: 5 } })]), /row 1, field 'code': expected 6 parts/);
  assert.match(jl([ok, ok]), /row 2, field 'code': this network was already measured in setting 'seg' in row 1/);
  assert.match(jl([JSON.stringify({ code: a, setting: 's', metrics: { top1: 5 }, colour: 'red' })]), /row 1, field 'colour': unknown field/);
  const csv = (rows: string[]) => dataError(() => loadData(file('bad.csv', rows.join('\n')))).message;
  assert.match(csv(['code,setting,top1', `${codeToString(a)},s,1e400`]), /bad\.csv: row 2, field 'top1': metric 'top1' is Infinity/);
  assert.match(csv(['code,setting,top1', `${codeToString(a)},s,abc`]), /row 2, field 'top1': expected a number, got the text "abc"/);
  assert.match(csv(['code,setting,top1', `${codeToString(a)},s,5,extra`]), /bad\.csv: row 2: not valid CSV/);
  assert.match(csv(['setting,top1', 's,5']), /row 1, field 'code': the header has no 'code' column/);
});

test('readers refuse what is not a regular file, and an empty folder', () => {
  mkdirSync(join(dir, 'empty'), { recursive: true });
  assert.match(dataError(() => loadData(join(dir, 'empty'))).message, /none found/);
  assert.match(dataError(() => loadData(join(dir, 'nope.json'))).message, /no such file or folder/);
  assert.match(dataError(() => loadData(file('zero.csv', ''))).message, /the file is empty/);
  if (existsSync('/dev/null')) assert.match(dataError(() => loadData('/dev/null')).message, /not a regular file/);
});

// The authors' real files (restricted to our development networks): the same networks and metrics as our JSON.
const shared = findDataDir();
const authors = process.env.NCP_AUTHORS_DATA ?? (shared ? join(shared, 'authors-dev') : undefined);
const haveAuthors = authors !== undefined && existsSync(join(authors, 'seg', 'trainval.pkl'));
test("the authors' pickles give the networks and metrics of nasbench-mr.json and nasbench201.json", { skip: haveAuthors && shared ? false : "the authors' data folder not found (set NCP_AUTHORS_DATA to their data/ folder)" }, () => {
  const pk = loadData(authors!);
  const mr = loadData(join(shared!, 'nasbench-mr.json'));
  const nb = loadData(join(shared!, 'nasbench201.json'));
  const bySetting = (d: Dataset, space: string) => d.settings.filter((s) => s.space === space).map((s) => [s.name, s.metrics]).sort();
  assert.deepEqual(bySetting(pk, 'multires'), bySetting(mr, 'multires'));
  const pkByCode = new Map(pk.entries.map((e) => [`${e.space}:${e.code.join()}`, e]));
  let n = 0;
  for (const e of [...mr.entries, ...nb.entries]) {
    const p = pkByCode.get(`${e.space}:${e.code.join()}`);
    assert.ok(p, `${e.code.join()} missing from the pickles`);
    for (const [s, v] of Object.entries(e.results)) {
      v.forEach((x, j) => assert.ok(Math.abs(x - p.results[s][j]) < 1e-3, `${s} of ${e.code.join()}: ${x} vs ${p.results[s][j]}`));
    }
    assert.ok(Math.abs(e.flops! - p.flops!) < 1e-6 && Math.abs(e.params! - p.params!) < 1e-6);
    n++;
  }
  assert.equal(n, pk.entries.length);
});

test('files are only read, never written, by the readers', () => {
  const p = file('ro.jsonl', JSON.stringify({ code: codes(1, 2)[0], setting: 's', metrics: { top1: 5 } }) + '\n');
  const before = readFileSync(p, 'utf8');
  loadData(p);
  assert.equal(readFileSync(p, 'utf8'), before);
});

test('mutated pickles (seeded byte flips and cuts) give a DataError or data, never another exception', () => {
  const cs = codes(6, 21);
  const sources = [pickle(cs.map((c) => mrRow(c, { top1: 50, top5: 80 })), 2), pickle([nb201Row([0, 1, 2, 3, 4, 0], 30), nb201Row([1, 1, 1, 1, 1, 1], 31)], 4)];
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let errors = 0;
  for (let i = 0; i < 400; i++) {
    const src = sources[i % 2];
    const b = Uint8Array.from(src);
    const flips = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < flips; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    const cut = rand() < 0.3 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
    try {
      readAuthorsPickle(cut, i % 2 ? 'nas-bench-201/trainval.pkl' : 'seg/trainval.pkl');
    } catch (e) {
      assert.ok(e instanceof DataError, `mutation ${i}: ${(e as Error).stack}`);
      errors++;
    }
  }
  assert.ok(errors > 100, `${errors} of 400 mutations were refused`);
});
