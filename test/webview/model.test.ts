// The trace view's pure logic on results of the real propagation engine (analytic fixture
// predictors, so no data is needed): message checks, table rows, chart geometry, header summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propagate, type PropagationResult } from '../../server/src/core/propagate';
import { codeToString } from '../../server/src/core/space/multires';
import { cellToString } from '../../server/src/core/space/nb201';
import { makeRng } from '../../server/src/core/random';
import { additiveCellPredictor, growingPredictor, quadraticPredictor } from '../core/propagate.fixtures';
import { checkHostMessage, checkPayload, checkResult, checkWebviewMessage, traceTarget } from '../../webview/src/protocol';
import { chartGeometry, DEFAULT_SIZE, fixed, nearestIndex, niceTicks, pointDetails, signed, summarize, tableColumns, tableRows } from '../../webview/src/trace/model';
import { contentSecurityPolicy, makeNonce, webviewHtml } from '../../webview/src/html';
import { resultJson } from '../../server/src/core/propagate/format';

const START = [24, 32, 2, 2, 32, 2, 2, 2, 16, 32, 2, 2, 2, 2, 16, 32, 64, 2, 1, 1, 1, 1, 16, 32, 64, 96, 64];
const TARGET = [16, 48, 1, 3, 24, 3, 2, 3, 32, 48, 2, 3, 3, 3, 40, 48, 56, 3, 2, 2, 2, 2, 32, 48, 64, 80, 96];

async function multires(): Promise<PropagationResult> {
  const seg = quadraticPredictor(TARGET, 'seg');
  const cls = growingPredictor('cls-10c');
  return propagate(
    {
      space: 'multires',
      start: START,
      objective: [
        { weight: 1, setting: 'seg', metric: 'mIoU' },
        { weight: 0.5, setting: 'cls-10c', metric: 'mIoU' },
      ],
      lambda: 0.5,
      flopsMax: 0.8,
      steps: 15,
      restarts: 3,
      seed: 4,
    },
    (s) => (s === 'seg' ? seg : s === 'cls-10c' ? cls : undefined),
  );
}

async function cells(): Promise<PropagationResult> {
  const table = Array.from({ length: 6 }, (_, e) => Array.from({ length: 5 }, (_, o) => ((e * 3 + o * 7) % 5) - 2));
  const p = additiveCellPredictor(table);
  return propagate({ space: 'nb201', start: [0, 0, 0, 0, 0, 0], objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }], steps: 8 }, () => p);
}

const resultP = multires();
const budget = { flopsMax: 0.8 };

test('checkResult accepts what the engine returns (after a JSON round trip, as over LSP)', async () => {
  const r = JSON.parse(JSON.stringify(await resultP));
  const c = checkResult(r);
  assert.ok(c.ok, c.ok ? '' : c.error);
  assert.deepEqual(c.value, r);
  const m = checkHostMessage({ type: 'trace', result: r, name: 'p', budget });
  assert.ok(m.ok);
  assert.deepEqual(m.value, { type: 'trace', result: r, name: 'p', budget });
  // A budget the server puts on the result is picked up too.
  const p = checkPayload({ result: { ...r, budget: { flopsMax: 2 } } });
  assert.ok(p.ok && p.value.budget?.flopsMax === 2);
  // No trace yet.
  assert.deepEqual(checkHostMessage({ type: 'trace', result: null }), { ok: true, value: { type: 'trace', result: null } });
});

test('malformed host messages are rejected with the path of the problem', async () => {
  const r = JSON.parse(JSON.stringify(await resultP));
  const bad = (m: unknown) => {
    const c = checkHostMessage(m);
    assert.equal(c.ok, false, JSON.stringify(m).slice(0, 80));
    return c.ok ? '' : c.error;
  };
  assert.match(bad(null), /not an object/);
  assert.match(bad('trace'), /not an object/);
  assert.match(bad({ type: 'other' }), /unknown message type "other"/);
  assert.match(bad({ type: 'trace', result: 5 }), /^result is not an object/);
  assert.match(bad({ type: 'trace', result: { ...r, space: 'vgg' } }), /result\.space must be one of 'multires', 'nb201'/);
  assert.match(bad({ type: 'trace', result: { ...r, result: r.result.slice(1) } }), /result\.result is not 27 integers/);
  const trace = r.trace.map((t: object) => ({ ...t }));
  trace[3].objective = Number.NaN;
  assert.match(bad({ type: 'trace', result: { ...r, trace } }), /result\.trace\[3\]\.objective is not a finite number/);
  trace[3].objective = '1';
  assert.match(bad({ type: 'trace', result: { ...r, trace } }), /result\.trace\[3\]\.objective/);
  assert.match(bad({ type: 'trace', result: r, budget: { flopsMax: 'x' } }), /message\.budget\.flopsMax/);
  assert.match(bad({ type: 'trace', result: r, name: 3 }), /message\.name is not a string/);
});

test('random corruptions of a result never throw: each is accepted or rejected with a message', async () => {
  const base = JSON.stringify(await resultP);
  const rand = makeRng(9);
  const junk = [null, undefined, 0, -1, 1.5, Number.NaN, Infinity, '', 'x', [], {}, [1, 2], true];
  let rejected = 0;
  for (let k = 0; k < 300; k++) {
    const r = JSON.parse(base);
    // Walk to a random node and replace or delete one of its fields.
    let node: Record<string, unknown> = r;
    for (let depth = 0; depth < 4; depth++) {
      const keys = Object.keys(node);
      const key = keys[Math.floor(rand() * keys.length)];
      const next = node[key];
      if (depth < 3 && next && typeof next === 'object' && rand() < 0.6) node = next as Record<string, unknown>;
      else {
        if (rand() < 0.3) delete node[key];
        else node[key] = junk[Math.floor(rand() * junk.length)];
        break;
      }
    }
    const c = checkHostMessage({ type: 'trace', result: r });
    if (!c.ok) {
      rejected++;
      assert.ok(c.error.length > 0);
    }
  }
  assert.ok(rejected > 150, `most corruptions are caught (${rejected}/300)`);
});

test('messages from the webview: only ready and reveal with a step index', () => {
  assert.deepEqual(checkWebviewMessage({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  assert.deepEqual(checkWebviewMessage({ type: 'reveal', step: 3 }), { ok: true, value: { type: 'reveal', step: 3 } });
  for (const m of [null, 'ready', [], {}, { type: 'ready', extra: 1 }, { type: 'reveal' }, { type: 'reveal', step: -1 }, { type: 'reveal', step: 1.5 }, { type: 'reveal', step: '2' }, { type: 'reveal', step: 2, x: 1 }, { type: 'run', cmd: 'rm' }]) {
    assert.equal(checkWebviewMessage(m).ok, false, JSON.stringify(m));
  }
});

test('ncp.showTrace arguments: the lens object or (uri, name); anything else opens the empty view', () => {
  assert.deepEqual(traceTarget({ uri: 'file:///a.ncp', name: 'p', key: 'file:///a.ncp#p' }, undefined), { uri: 'file:///a.ncp', name: 'p', key: 'file:///a.ncp#p' });
  assert.deepEqual(traceTarget('file:///a.ncp', 'p'), { uri: 'file:///a.ncp', name: 'p' });
  for (const [a, b] of [[undefined, undefined], [{ uri: 1, name: 'p' }], ['u'], [{ uri: 'u' }], [null, 'p']] as unknown[][]) assert.equal(traceTarget(a, b), undefined);
});

test('table rows: one per step, moved dimension from → to, terms as mean ± spread, cost, feasibility', async () => {
  const r = await resultP;
  // objective and cost first (in view at a side panel's width), the long 'moved' text last
  assert.deepEqual(tableColumns(r), ['Step', 'Objective', 'FLOPs G', 'Params M', 'Feasible', 'seg.mIoU', '0.5·cls-10c.mIoU', 'Moved']);
  const rows = tableRows(r);
  assert.equal(rows.length, r.trace.length);
  assert.equal(rows[0].moved, '—', 'step 0 moves nothing');
  const movedSteps = r.trace.filter((t) => t.moved);
  assert.ok(movedSteps.length > 0, 'winner-takes-all moves one position per step');
  for (const [i, row] of rows.entries()) {
    const t = r.trace[i];
    assert.equal(row.step, t.step);
    if (t.moved) assert.equal(row.moved, `${t.moved.name} ${t.moved.from} → ${t.moved.to}`);
    assert.deepEqual(row.terms, t.terms.map((x) => `${x.mean.toFixed(2)} ± ${x.std.toFixed(2)}`));
    assert.equal(row.flops, t.flops!.toFixed(3));
    assert.equal(row.params, t.params!.toFixed(2));
    assert.equal(row.feasible, t.feasible);
  }
  const best = r.runs.find((x) => x.restart === r.bestRestart)!;
  assert.deepEqual(rows.filter((x) => x.best).map((x) => x.step), [best.bestStep]);
  const details = pointDetails(r, 1);
  assert.match(details[0], /^run \d+ .*step 1$/);
  assert.ok(details.includes(`objective ${r.trace[1].objective.toFixed(3)}`));
});

test('chart geometry: a line per run, best on top, y grows upward, FLOPs plot with the budget line', async () => {
  const r = await resultP;
  const c = chartGeometry(r, budget);
  const o = c.objective;
  assert.equal(o.series.length, r.runs.length, 'one series per run');
  assert.equal(o.series[o.series.length - 1].best, true, 'the best run is drawn last (on top)');
  const best = o.series.find((s) => s.best)!;
  assert.equal(best.restart, r.bestRestart);
  assert.equal(best.points.length, r.trace.length);
  assert.match(best.path, /^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+$/);
  for (let i = 1; i < best.points.length; i++) assert.ok(best.points[i].x > best.points[i - 1].x);
  for (const s of o.series) {
    for (const p of s.points) {
      assert.ok(p.x >= c.left - 1e-9 && p.x <= c.right + 1e-9);
      assert.ok(p.y >= o.top - 1e-9 && p.y <= o.top + o.height + 1e-9, `objective point inside its plot (${p.y})`);
    }
  }
  const hi = best.points.reduce((a, b) => (b.value > a.value ? b : a));
  const lo = best.points.reduce((a, b) => (b.value < a.value ? b : a));
  assert.ok(hi.y < lo.y, 'a higher objective is drawn higher');
  // The engine keeps only the winning run's steps: other runs show their final value.
  for (const s of o.series.filter((x) => !x.best)) {
    assert.equal(s.summaryOnly, true);
    assert.equal(s.points[0].value, r.runs.find((x) => x.restart === s.restart)!.objective);
  }
  const f = c.flops!;
  assert.ok(f, 'networks get a FLOPs plot');
  assert.ok(f.top > o.top + o.height, 'below the objective plot');
  assert.ok(f.budgetY! >= f.top && f.budgetY! <= f.top + f.height);
  for (const p of f.series.find((s) => s.best)!.points) {
    assert.ok(p.value <= budget.flopsMax ? p.y >= f.budgetY! - 1e-9 : p.y < f.budgetY!, 'points under the budget lie under its line');
  }
  assert.equal(c.height, f.top + f.height + DEFAULT_SIZE.margin.bottom);
  const ticks = c.xTicks.map((t) => t.value);
  assert.equal(ticks[0], 0);
  assert.ok(ticks.every(Number.isInteger));
  // Hover: the point nearest a pixel x.
  const target = best.points[5];
  assert.equal(nearestIndex(c, target.x + 1), target.index);
  assert.equal(chartGeometry(r).flops!.budgetY, undefined, 'no budget, no line');
});

test('several runs with steps each become their own line', async () => {
  const r = structuredClone(await resultP);
  const other = r.runs.find((x) => x.restart !== r.bestRestart)!.restart;
  const copy = r.trace.map((t) => ({ ...t, restart: other, objective: t.objective - 1, feasible: t.step % 4 !== 0 }));
  r.trace = [...copy, ...r.trace];
  const c = chartGeometry(r, budget);
  const withSteps = c.objective.series.filter((s) => !s.summaryOnly);
  assert.equal(withSteps.length, 2);
  assert.equal(withSteps[withSteps.length - 1].best, true);
  const shifted = withSteps[0];
  assert.ok(shifted.points.every((p, i) => p.y > withSteps[1].points[i].y), 'the lower run lies below');
  assert.equal(shifted.points.filter((p) => !p.feasible).length, copy.filter((t) => !t.feasible).length);
  // Equal steps: hovering prefers the best run's point.
  assert.equal(r.trace[nearestIndex(c, withSteps[1].points[2].x)!].restart, r.bestRestart);
});

test('summary: start and result codes, predicted and cost change', async () => {
  const r = await resultP;
  const s = summarize(r, budget);
  assert.equal(s.startCode, codeToString(r.snappedStart));
  assert.equal(s.resultCode, codeToString(r.result));
  assert.equal(s.objective.delta, signed(r.resultEval.objective - r.startEval.objective, 3));
  assert.equal(s.terms.length, 2);
  assert.equal(s.terms[0].label, 'seg.mIoU');
  assert.equal(s.terms[1].label, '0.5·cls-10c.mIoU');
  const d0 = r.resultEval.terms[0].mean - r.startEval.terms[0].mean;
  assert.equal(s.terms[0].delta, signed(d0, 2));
  assert.equal(s.terms[0].direction, d0 > 0 ? 1 : d0 < 0 ? -1 : 0);
  assert.equal(s.flops!.result, r.resultEval.flops!.toFixed(3));
  assert.match(s.flops!.percent, /^[+-]?\d+%$/);
  assert.equal(s.budget, 'FLOPs ≤ 0.8 G');
  const best = r.runs.find((x) => x.restart === r.bestRestart)!;
  assert.equal(s.runStartCode !== undefined, r.bestRestart !== 0 && best.start.join() !== r.snappedStart.join());
  assert.equal(fixed(-0.0001, 2), '0.00');
  assert.equal(signed(0.5, 1), '+0.5');
});

test('NAS-Bench-201 cells: cell strings, no FLOPs plot', async () => {
  const r = await cells();
  const c = chartGeometry(r);
  assert.equal(c.flops, undefined);
  assert.equal(c.height, DEFAULT_SIZE.margin.top + DEFAULT_SIZE.objectiveHeight + DEFAULT_SIZE.margin.bottom);
  const s = summarize(r);
  assert.equal(s.resultCode, cellToString(r.result));
  assert.equal(s.flops, undefined);
  assert.ok(tableRows(r).every((row) => row.flops === '—'));
  assert.ok(checkResult(JSON.parse(JSON.stringify(r))).ok);
});

test('niceTicks: round steps covering the range', () => {
  assert.deepEqual(niceTicks(0, 10), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(107.2, 116.8), [108, 110, 112, 114, 116]);
  assert.deepEqual(niceTicks(0.31, 0.97, 4), [0.4, 0.6, 0.8]);
  assert.ok(niceTicks(5, 5).length > 0, 'a flat series still gets ticks');
  assert.deepEqual(niceTicks(Number.NaN, 1), []);
});

test('the HTML shell: nonce-only scripts, no inline styles or eval', () => {
  const nonce = makeNonce();
  assert.notEqual(nonce, makeNonce());
  assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.match(csp, /default-src 'none'/);
  const html = webviewHtml({ cspSource: 'https://x.vscode-cdn.net', nonce, scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/dist/webview.css' });
  assert.ok(html.includes(`<script nonce="${nonce}" src="https://x/dist/webview.js">`));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.doesNotMatch(html, /style="/);
  assert.throws(() => webviewHtml({ cspSource: 'x', nonce: 'short', scriptUri: 'a', styleUri: 'b' }), /nonce/);
});

test('continuous strategy and zero-step runs: no moves, a single point, still drawable', async () => {
  const seg = quadraticPredictor(TARGET, 'seg');
  const objective = [{ weight: 1, setting: 'seg', metric: 'mIoU' }];
  const cont = await propagate({ space: 'multires', start: START, objective, strategy: 'continuous', steps: 10, flopsMax: 0.5 }, () => seg);
  const rows = tableRows(cont);
  assert.equal(rows.length, cont.trace.length);
  assert.ok(rows.every((row, i) => row.moved === (cont.trace[i].repaired ? `repaired ${cont.trace[i].repaired}` : '—')));
  assert.ok(checkResult(JSON.parse(JSON.stringify(cont))).ok);
  const none = await propagate({ space: 'multires', start: START, objective, steps: 0 }, () => seg);
  assert.equal(none.trace.length, 1);
  const c = chartGeometry(none);
  const best = c.objective.series.find((s) => s.best)!;
  assert.equal(best.points.length, 1);
  assert.equal(best.path, '', 'one point: no line');
  assert.ok(Number.isFinite(best.points[0].y) && Number.isFinite(c.flops!.series[0].points[0].y));
  assert.ok(c.objective.yTicks.length > 0);
  assert.equal(summarize(none).unchanged, true);
});

test("the language server's ncp/trace answer (the CLI's JSON object) reads back as the result", async () => {
  const strip = (r: PropagationResult) => JSON.parse(JSON.stringify(r, (k, v) => (k === 'feasible' ? undefined : v)));
  for (const r of [await resultP, await cells()]) {
    const json = JSON.parse(JSON.stringify(resultJson(r, { name: 'p_seg', source: 'p' })));
    const c = checkPayload({ result: json, name: 'p', ...(r.space === 'multires' ? { budget } : {}) });
    assert.ok(c.ok, c.ok ? '' : c.error);
    assert.deepEqual(strip(c.value.result!), strip({ ...r, start: r.snappedStart }), `${r.space}: every field but feasibility survives`);
    // Feasibility is judged against the budget the message names.
    assert.deepEqual(c.value.result!.trace.map((t) => t.feasible), r.trace.map((t) => t.flops === undefined || t.flops <= budget.flopsMax));
  }
  const json = JSON.parse(JSON.stringify(resultJson(await resultP)));
  const tight = checkPayload({ result: { ...json, budget: { flopsMax: 0.3 } } });
  assert.ok(tight.ok && tight.value.budget?.flopsMax === 0.3, 'a budget inside the answer is used');
  assert.ok(tight.value.result!.trace.some((t) => !t.feasible));
  json.trace[2].predicted = 'x';
  const bad = checkHostMessage({ type: 'trace', result: json });
  assert.ok(!bad.ok && /result\.trace\[2\]\.predicted is not a list/.test(bad.error), bad.ok ? '' : bad.error);
});
