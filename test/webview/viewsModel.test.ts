// The views' pure parts in node: panel grouping, code strip, Spearman and Pareto, sorting, CSV,
// and the checks of every message crossing the webview boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_PANELS, codePanels, edgeGrid, stripRow } from '../../webview/src/codeTrace/model';
import { correlationMatrix, fitWindow, logTicks, nearestPoint, paretoFront, ranks, scaleFor, spearman, zoomWindow } from '../../webview/src/explorer/model';
import { columns, compareCsv, sortRows } from '../../webview/src/compare/model';
import { csvField, stepName, traceCsv, allSteps } from '../../webview/src/trace/exportTrace';
import { checkActionMessage, checkDataMessage, checkExplorerData, MAX_SAVE_CHARS } from '../../webview/src/messages';
import { checkWebviewMessage, checkResult, checkPayload } from '../../webview/src/protocol';
import { resultJson } from '../../server/src/core/propagate/format';
import { analyticTrace, cellTrace } from './traces';
import type { CompareData, ExplorerData } from '../../server/src/features/views/viewData';
import { RUN_TRACES_LIMIT } from '../../server/src/core/propagate/types';

test('eight panels cover the 27 code positions exactly once, like quantities together', () => {
  assert.equal(CODE_PANELS.length, 8);
  const dims = CODE_PANELS.flatMap((p) => p.dims).sort((a, b) => a - b);
  assert.deepEqual(dims, Array.from({ length: 27 }, (_, i) => i));
});

test('code panels: a step line per position, moves where winner-takes-all moved it', async () => {
  const r = await analyticTrace({ steps: 12, restarts: 2 });
  const steps = r.runTraces![1];
  const panels = codePanels(steps);
  const lines = panels.flatMap((p) => p.lines);
  assert.equal(lines.length, 27);
  assert.equal(lines.reduce((n, l) => n + l.moves.length, 0), steps.filter((s) => s.moved).length);
  for (const l of lines) {
    assert.equal(l.rounded.split('H').length, steps.length);
    assert.equal(l.continuous, undefined, 'winner-takes-all: no separate continuous line');
    assert.equal(l.first, steps[0].rounded[l.dim]);
  }
  assert.match(panels[0].description, /^Stem channels: stem\.c1 \d+/);
  const c = await analyticTrace({ steps: 12, restarts: 1, strategy: 'continuous' });
  assert.ok(codePanels(c.trace).some((p) => p.lines.some((l) => l.continuous)), 'continuous runs draw the relaxed value');
});

test('NB201 op grid: 6 edges × steps; code strip: numbers, levels, changes', async () => {
  const r = await cellTrace(2, 6);
  const g = edgeGrid(r.trace);
  assert.equal(g.cells.length, 6);
  assert.ok(g.cells.every((row) => row.length === r.trace.length));
  assert.equal(g.cells.flat().filter((c) => c.moved).length, r.trace.filter((s) => s.moved).length);
  const start = [16, 16, 1, 1, 8, 1, 1, 1, 8, 8, 1, 1, 1, 1, 8, 8, 8, 1, 1, 1, 1, 1, 8, 8, 8, 8, 8];
  const end = start.slice();
  end[0] = 128;
  const row = stripRow('r', 'multires', end, start);
  assert.equal(row.cells.length, 27);
  assert.deepEqual([row.cells[0].level, row.cells[0].changed, row.cells[0].text], [7, true, '128']);
  assert.equal(row.cells.filter((c) => c.changed).length, 1);
  assert.equal(stripRow('c', 'nb201', [0, 1, 2, 3, 4, 0]).cells[4].text, '3×3');
});

test('Spearman: average ranks for ties, ±1 for monotone relations, matrix over shared networks', () => {
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [10, 100, 1000, 1e4]) - 1) < 1e-12);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12);
  // A textbook case: ρ = 1 − 6Σd²/(n(n²−1)) without ties.
  const a = [86, 97, 99, 100, 101, 103, 106, 110, 112, 113];
  const b = [2, 20, 28, 27, 50, 29, 7, 17, 6, 12];
  assert.ok(Math.abs(spearman(a, b) - -0.175757575) < 1e-6);
  const data = {
    settings: [{ name: 'a', metrics: ['m'] }, { name: 'b', metrics: ['m'] }, { name: 'c', metrics: ['m'] }],
    points: [1, 2, 3, 4, 5].map((k) => ({ code: [], flops: k, params: k, values: [[k], [10 - k], k % 2 ? [k] : null] })),
  } as unknown as ExplorerData;
  const m = correlationMatrix(data);
  assert.equal(m.rho.length, 3);
  assert.ok(Math.abs(m.rho[0][1] + 1) < 1e-12);
  assert.equal(m.count[0][2], 3, 'only networks measured in both');
  assert.equal(m.rho[1][1], 1);
});

test('Pareto front: fewer FLOPs or a better metric, sorted by FLOPs', () => {
  const xs = [1, 2, 3, 4, 2.5, 0.5];
  const ys = [50, 60, 55, 70, 65, 40];
  assert.deepEqual(paretoFront(xs, ys), [5, 0, 1, 4, 3]);
  assert.deepEqual(paretoFront([1, 1], [5, 5]), [0], 'a duplicate is not on the front twice');
});

test('scatter: log-FLOPs scale, zoom about a point keeps it fixed, nearest point', () => {
  const w = fitWindow([0.1, 10], [50, 70]);
  const s = scaleFor(w);
  const px = s.xOf(1);
  const py = s.yOf(60);
  const z = zoomWindow(w, s, px, py, 0.5);
  const s2 = scaleFor(z);
  assert.ok(Math.abs(s2.xOf(1) - px) < 1e-9 && Math.abs(s2.yOf(60) - py) < 1e-9);
  assert.ok(z.x1 - z.x0 < w.x1 - w.x0);
  assert.deepEqual(logTicks(-1, 1), [0.1, 0.2, 0.5, 1, 2, 5, 10]);
  const xs = Float64Array.from([10, 50, 90]);
  const ys = Float64Array.from([10, 50, 90]);
  assert.equal(nearestPoint(xs, ys, 52, 49), 1);
  assert.equal(nearestPoint(xs, ys, 200, 200), -1);
});

const COMPARE: CompareData = {
  uri: 'file:///x.ncp',
  settings: [{ name: 'seg', metrics: ['mIoU', 'mAcc'] }],
  rows: [
    { name: 'a', kind: 'network', line: 0, code: new Array(27).fill(8), flops: 2, params: 1, predicted: [[{ mean: 60, std: 1 }, { mean: 70, std: 2 }]], measured: [null] },
    { name: '=cmd', kind: 'network', line: 3, code: new Array(27).fill(8), flops: 1, params: 1, predicted: [null], measured: [[61, 71]] },
    { name: 'c', kind: 'network', line: 6, code: new Array(27).fill(8), flops: 3, params: 1, predicted: [[{ mean: 65, std: 1 }, { mean: 72, std: 2 }]], measured: [null] },
  ],
  notes: [],
};

test('compare: columns, sorting with missing values last, CSV with every metric', () => {
  const cols = columns(COMPARE);
  // predictions first after the name (what a person compares for), cost after
  assert.deepEqual(cols.map((c) => c.key), ['name', 'pred:seg', 'meas:seg', 'flops', 'params']);
  const pred = cols[1];
  assert.deepEqual(sortRows(COMPARE.rows, pred, -1).map((r) => r.name), ['c', 'a', '=cmd']);
  assert.deepEqual(sortRows(COMPARE.rows, pred, 1).map((r) => r.name), ['a', 'c', '=cmd']);
  const csv = compareCsv(COMPARE).trim().split('\n');
  assert.equal(csv[0], 'name,kind,line,code,flops_G,params_M,seg.mIoU mean,seg.mIoU std,seg.mIoU measured,seg.mAcc mean,seg.mAcc std,seg.mAcc measured');
  assert.match(csv[2], /^'=cmd,network,4,/, 'a formula-looking name is neutralised');
  assert.equal(csvField('a,"b"'), '"a,""b"""');
  assert.equal(csvField(-1.5), '-1.5', 'numbers are left alone');
});

test('trace exports: a CSV row per step of every run; names for inserted steps', async () => {
  const r = await analyticTrace({ steps: 6, restarts: 3 });
  assert.equal(traceCsv(r).trim().split('\n').length, 1 + allSteps(r).length);
  assert.equal(allSteps(r).length, r.runTraces!.reduce((n, t) => n + t.length, 0));
  assert.equal(stepName('seg small<b>', 2, 5), 'seg_small_b__run2_step5');
  assert.equal(stepName('9lives', 0, 1), '_9lives_run0_step1');
  // The CLI JSON round trip keeps every run.
  const back = checkPayload({ result: JSON.parse(JSON.stringify(resultJson(r))) });
  assert.ok(back.ok && back.value.result?.runTraces?.length === 3);
});

test('messages from a view: only well-formed insert/save/openNetwork pass, with ranges checked', () => {
  const code = [16, 16, 1, 1, 8, 1, 1, 1, 8, 8, 1, 1, 1, 1, 8, 8, 8, 1, 1, 1, 1, 1, 8, 8, 8, 8, 8];
  assert.ok(checkWebviewMessage({ type: 'insert', space: 'multires', code, name: 'net_1' }).ok);
  assert.ok(checkWebviewMessage({ type: 'insert', space: 'nb201', code: [0, 1, 2, 3, 4, 0], name: 'c' }).ok);
  assert.ok(checkWebviewMessage({ type: 'save', format: 'csv', fileName: 'a.csv', data: 'x,y\n' }).ok);
  assert.ok(checkWebviewMessage({ type: 'save', format: 'png', fileName: 'a.png', data: 'data:image/png;base64,iVBORw0=' }).ok);
  const bad: unknown[] = [
    null, [], 'insert', { type: 'insert' },
    { type: 'insert', space: 'multires', code, name: '<img src=x onerror=alert(1)>' },
    { type: 'insert', space: 'multires', code: code.slice(0, 26), name: 'n' },
    { type: 'insert', space: 'multires', code: code.map(() => 0), name: 'n' },
    { type: 'insert', space: 'multires', code: code.map(() => 1.5), name: 'n' },
    { type: 'insert', space: 'nb201', code: [0, 1, 2, 3, 4, 9], name: 'n' },
    { type: 'insert', space: 'other', code, name: 'n' },
    { type: 'insert', space: 'multires', code, name: 'n', extra: 1 },
    { type: 'save', format: 'exe', fileName: 'a.exe', data: '' },
    { type: 'save', format: 'csv', fileName: '../../etc/passwd.csv', data: '' },
    { type: 'save', format: 'csv', fileName: 'a.json', data: '' },
    { type: 'save', format: 'png', fileName: 'a.png', data: 'data:text/html,<script>' },
    { type: 'save', format: 'svg', fileName: 'a.svg', data: '<html>' },
    { type: 'save', format: 'json', fileName: 'a.json', data: '{oops' },
    { type: 'save', format: 'csv', fileName: 'a.csv', data: 'x'.repeat(MAX_SAVE_CHARS + 1) },
    { type: 'reveal', step: -1 }, { type: 'reveal', step: 1.5 }, { type: 'ready', x: 1 },
    { type: 'openNetwork', name: 'a b' }, { type: 'runCommand', command: 'workbench.action.terminal.new' },
  ];
  for (const m of bad) assert.equal(checkWebviewMessage(m).ok, false, JSON.stringify(m)?.slice(0, 80));
  assert.match((checkActionMessage({ type: 'insert', space: 'multires', code, name: 'n', extra: 1 }) as { error: string }).error, /unexpected field 'extra'/);
});

test('data for a view: limits and shapes checked, names are plain strings', () => {
  const base = { source: 's', space: 'multires', settings: [{ name: 'seg', metrics: ['mIoU'] }], points: [], networks: [], uri: 'u', version: 1, notes: [] };
  assert.ok(checkDataMessage({ type: 'explorer', data: base }).ok);
  const point = { code: new Array(27).fill(8), flops: 1, params: 1, values: [[50]] };
  const cases: [unknown, RegExp][] = [
    [{ ...base, points: [{ ...point, flops: 'x' }] }, /points\[0\]\.flops is not a finite number/],
    [{ ...base, points: [{ ...point, values: [] }] }, /not one per setting/],
    [{ ...base, points: [{ ...point, code: [1] }] }, /is not 27 integers/],
    [{ ...base, points: new Array(20_001).fill(point) }, /at most 20000/],
    [{ ...base, settings: new Array(17).fill({ name: 'x', metrics: [] }) }, /at most 16/],
    [{ ...base, version: -1 }, /version is not an integer/],
    [{ ...base, networks: [{ name: 7, code: point.code, flops: 1, params: 1, predicted: [null] }] }, /networks\[0\]\.name is not a string/],
  ];
  for (const [data, err] of cases) {
    const c = checkDataMessage({ type: 'explorer', data });
    assert.equal(c.ok, false);
    assert.match((c as { error: string }).error, err);
  }
  assert.equal(checkExplorerData({ ...base, networks: [{ name: '<script>x</script>', code: point.code, flops: 1, params: 1, predicted: [null] }] }).networks[0].name, '<script>x</script>');
  // Trace payloads: runs and steps are bounded too.
  const r = checkResult({ space: 'multires' });
  assert.equal(r.ok, false);
  assert.equal(checkDataMessage({ type: 'cursor', network: { name: 'n', space: 'multires', code: [1, 2] } }).ok, false);
});

test('every run\'s steps are kept only up to RUN_TRACES_LIMIT (else the winning run\'s, as before)', async () => {
  const many = await analyticTrace({ steps: 2, restarts: RUN_TRACES_LIMIT.runs + 1 });
  assert.equal(many.runTraces, undefined);
  assert.equal(many.runs.length, RUN_TRACES_LIMIT.runs + 1);
  const few = await analyticTrace({ steps: 2, restarts: 4 });
  assert.equal(few.runTraces?.length, 4);
  assert.deepEqual(few.runTraces![few.bestRestart], few.trace);
});
