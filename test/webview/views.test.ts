// The views rendered for real in headless Chromium under the product's CSP: the code trace and
// strip of recorded traces (both spaces, with restarts), the benchmark explorer and the compare
// table fed by the real language server's answers on a benchmark file generated here. Asserts what
// issue 18 lists and saves light/dark/high-contrast screenshots under .tmp/views-screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { PropagationResult } from '../../server/src/core/propagate';
import type { CompareData, ExplorerData } from '../../server/src/features/views/viewData';
import { chromiumMissing, launch, openView, ROOT, scatterCount, scatterPoint, type ThemeName } from './browser';
import { BUDGET, analyticTrace, cellTrace, multiresTrace } from './traces';
import { documentText, generateBenchmark, type GeneratedBenchmark } from './viewFixtures';
import { startClient, type LspClient } from '../lsp/harness';
import { allSteps } from '../../webview/src/trace/exportTrace';
import { correlationMatrix, paretoFront } from '../../webview/src/explorer/model';
import { CODE_LAYOUT } from '../../server/src/core/space/multires';

const skip = chromiumMissing();
const SHOTS = join(ROOT, '.tmp', 'views-screenshots');
const URI = 'file:///tmp/views-browser.ncp';
let browser: Browser | undefined;
let client: LspClient | undefined;
let wta: PropagationResult;
let cont: PropagationResult;
let cells: PropagationResult;
let bench: GeneratedBenchmark;
let explorer: ExplorerData;
let compare: CompareData;

before(async () => {
  if (skip) return;
  wta = await multiresTrace();
  cont = await analyticTrace({ steps: 20, restarts: 2, strategy: 'continuous' });
  cells = await cellTrace();
  bench = generateBenchmark(80, 11);
  client = await startClient({ settings: { ncp: { benchmark: { path: bench.path } } } });
  await client.open(URI, documentText(bench));
  const best = wta.runTraces![wta.bestRestart];
  explorer = await client.request<ExplorerData>('ncp/benchmarkExplorer', { uri: URI, path: { label: 'seg_small', codes: best.map((s) => s.rounded), steps: best.map((s) => s.step) } });
  compare = await client.request<CompareData>('ncp/compare', { uri: URI });
  assert.ok(!('error' in explorer) && !('error' in compare));
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await client?.stop();
});

async function shot(page: import('playwright-core').Page, name: string): Promise<void> {
  writeFileSync(join(SHOTS, `${name}.png`), await page.screenshot({ fullPage: true }));
}

test('code trace: eight panels covering the 27 positions, legend, moved positions, every run selectable', { skip }, async () => {
  assert.ok(wta.runs.length > 1 && wta.runTraces?.length === wta.runs.length, 'a trace with restarts, each run recorded');
  const v = await openView(browser!);
  await v.post({ type: 'trace', result: wta, name: 'seg_small', budget: BUDGET });
  const page = v.page;
  await page.waitForSelector('svg.code-trace');
  assert.equal(await page.locator('svg.code-trace g.code-panel').count(), 8);
  assert.equal(await page.locator('svg.code-trace text.panel-title').count(), 8, 'each panel is named');
  const dims = await page.$$eval('svg.code-trace g.dim', (gs) => gs.map((g) => Number(g.getAttribute('data-dim'))));
  assert.deepEqual([...dims].sort((a, b) => a - b), CODE_LAYOUT.map((_, i) => i), 'each position drawn once');
  assert.equal(await page.locator('svg.code-trace g.key').count(), 27, 'each panel keys its lines');
  const best = wta.runTraces![wta.bestRestart];
  const d = await page.getAttribute('svg.code-trace g.dim[data-dim="0"] path.rounded', 'd');
  assert.equal(d!.split('H').length, best.length, 'a step line through every step of the run');
  assert.equal(await page.locator('svg.code-trace circle.move').count(), best.filter((s) => s.moved).length, 'each winner-takes-all move marked');
  assert.equal(await page.locator('svg.code-trace path.continuous').count(), 0, 'winner-takes-all: continuous = rounded');
  assert.equal(await page.locator('svg.chart line.budget').count(), 1, 'the budget line');
  assert.equal(await page.locator('table.steps tbody tr').count(), best.length);
  // Another run: its steps in the table and panels.
  const other = wta.runs.find((r) => r.restart !== wta.bestRestart)!.restart;
  assert.equal(await page.locator('#run-picker option').count(), wta.runs.length);
  await page.selectOption('#run-picker', String(other));
  const steps = wta.runTraces![other];
  assert.equal(await page.locator('table.steps tbody tr').count(), steps.length);
  assert.equal(await page.locator('svg.code-trace circle.move').count(), steps.filter((s) => s.moved).length);
  assert.match(await page.locator('table.strip').textContent() ?? '', new RegExp(`run ${other} start`));
  await shot(page, 'code-trace-light');
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test('a result without every run\'s steps (over the limit): the best run, and a note saying why', { skip }, async () => {
  const { runTraces: _dropped, ...bare } = wta;
  const v = await openView(browser!);
  await v.post({ type: 'trace', result: bare, name: 'big', budget: BUDGET });
  await v.page.waitForSelector('svg.code-trace');
  assert.equal(await v.page.locator('#run-picker option').count(), 1);
  assert.match(await v.page.locator('#runs-not-kept').textContent() ?? '', new RegExp(`steps of the other ${wta.runs.length - 1} runs were not kept`));
  assert.equal(await v.page.locator('svg.chart circle.summary').count(), wta.runs.length - 1, 'other runs: their final value');
  assert.deepEqual(await v.problems(), []);
  await v.page.close();
});

test('continuous strategy: the continuous value is drawn beside the rounded one', { skip }, async () => {
  const v = await openView(browser!);
  await v.post({ type: 'trace', result: cont, name: 'relaxed', budget: BUDGET });
  await v.page.waitForSelector('svg.code-trace');
  assert.ok((await v.page.locator('svg.code-trace path.continuous').count()) > 0);
  assert.equal(await v.page.locator('svg.code-trace circle.move').count(), 0);
  assert.deepEqual(await v.problems(), []);
  await v.page.close();
});

test('code strip, insert this network, trace and chart exports', { skip }, async () => {
  const v = await openView(browser!);
  await v.post({ type: 'trace', result: wta, name: 'seg_small', budget: BUDGET });
  const page = v.page;
  await page.waitForSelector('table.strip');
  const strip = page.locator('table.strip tbody tr');
  assert.equal(await strip.count(), 3, 'start, result and the selected (best) step');
  assert.equal(await strip.nth(0).locator('td').count(), 27);
  const changed = wta.result.filter((x, i) => x !== wta.snappedStart[i]).length;
  assert.equal(await strip.nth(1).locator('td.changed').count(), changed, 'changed positions of the result marked');
  assert.equal(await strip.nth(1).locator('td').nth(0).textContent(), String(wta.result[0]), 'cells carry the numbers');
  // Pick step 3 of the best run and insert it.
  const all = allSteps(wta);
  const i = all.findIndex((t) => t.restart === wta.bestRestart && t.step === 3);
  await page.locator(`table.steps tbody tr[data-index="${i}"]`).click();
  assert.match(await strip.nth(2).locator('th').textContent() ?? '', new RegExp(`step 3`));
  await page.click('#insert-step');
  await page.click('#export-json');
  await page.click('#export-csv');
  await page.locator('.code-trace-box .export-buttons button', { hasText: 'SVG' }).click();
  await page.locator('.chart-box .export-buttons button', { hasText: 'PNG' }).first().click();
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string; format?: string }[] }).__posted.some((m) => m.format === 'png'));
  const posted = (await v.posted()) as Record<string, unknown>[];
  const insert = posted.find((m) => m.type === 'insert')!;
  assert.deepEqual(insert, { type: 'insert', space: 'multires', code: all[i].rounded, name: `seg_small_run${wta.bestRestart}_step3` });
  const saves = posted.filter((m) => m.type === 'save');
  assert.deepEqual(saves.map((m) => m.format), ['json', 'csv', 'svg', 'png']);
  assert.equal(JSON.parse(saves[0].data as string).result.runTraces.length, wta.runs.length);
  const csv = (saves[1].data as string).trim().split('\n');
  assert.equal(csv.length, 1 + all.length, 'one CSV row per step of every run');
  assert.match(csv[0], /^run,step,moved,seg\.mIoU mean,seg\.mIoU std,/);
  assert.match(saves[2].data as string, /^<\?xml[^>]*>\s*<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(saves[2].data as string, /var\(--/, 'theme colours resolved in the exported SVG');
  assert.match(saves[3].data as string, /^data:image\/png;base64,iVBOR/);
  assert.ok((saves[3].data as string).length > 5_000, 'a PNG with something drawn');
  // The network under the editor cursor joins the strip.
  await v.post({ type: 'cursor', network: { name: '<b>cur</b>', space: 'multires', code: wta.result } });
  assert.equal(await strip.count(), 4);
  assert.equal(await strip.nth(3).locator('th').textContent(), 'cursor: <b>cur</b>', 'a name is text, never markup');
  // The host clears it when the view moves to another file (test/client/traceFollow.test.ts): the row goes.
  await v.post({ type: 'cursor', network: null });
  assert.equal(await strip.count(), 3);
  assert.doesNotMatch((await strip.locator('th').allTextContents()).join(' '), /cursor:/);
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test('NAS-Bench-201: the op of each of the 6 edges per step, every run', { skip }, async () => {
  assert.ok(cells.runTraces && cells.runTraces.length === 3);
  const v = await openView(browser!);
  await v.post({ type: 'trace', result: cells, name: 'cell_search' });
  const page = v.page;
  await page.waitForSelector('svg.edge-grid');
  const best = cells.runTraces[cells.bestRestart];
  assert.equal(await page.locator('svg.edge-grid g.op').count(), 6 * best.length);
  assert.equal(await page.locator('svg.edge-grid g.op.moved').count(), best.filter((s) => s.moved).length);
  assert.equal(await page.locator('table.strip tbody tr').first().locator('td').count(), 6);
  const other = (cells.bestRestart + 1) % 3;
  await page.selectOption('#run-picker', String(other));
  assert.equal(await page.locator('svg.edge-grid g.op').count(), 6 * cells.runTraces[other].length);
  for (const theme of ['light', 'dark'] as ThemeName[]) {
    const w = await openView(browser!, theme);
    await w.post({ type: 'trace', result: cells, name: 'cell_search' });
    await w.page.waitForSelector('svg.edge-grid');
    await shot(w.page, `nb201-${theme}`);
    assert.deepEqual(await w.problems(), []);
    await w.page.close();
  }
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test('benchmark explorer: a point per network, Pareto front, overlays, Spearman matrix, pick and insert', { skip }, async () => {
  const v = await openView(browser!, 'light', { width: 1000, height: 1000 }, undefined, 'explorer');
  await v.post({ type: 'explorer', data: explorer });
  const page = v.page;
  await page.waitForSelector('svg.scatter path.pt', { state: 'attached' });
  const seg = explorer.settings.findIndex((s) => s.name === 'seg');
  assert.equal(await scatterCount(page), 80, 'every benchmark network measured in seg');
  assert.equal(await page.getAttribute('svg.scatter g.points', 'data-points'), '80');
  assert.ok((await page.locator('svg.scatter path.pt.bench').count()) > 1, 'marker sizes by params');
  const withSeg = explorer.points.filter((p) => p.values[seg]);
  const front = paretoFront(withSeg.map((p) => p.flops), withSeg.map((p) => p.values[seg]![0]));
  assert.equal(await page.locator('svg.scatter circle.front-pt').count(), front.length, 'the Pareto front');
  assert.equal((await page.getAttribute('svg.scatter path.pareto', 'd'))!.split('L').length, front.length);
  assert.equal(await page.locator('table.front-table tbody tr').count(), front.length, 'the front as a table too');
  const predicted = explorer.networks.filter((n) => n.predicted[seg]);
  assert.equal(await page.locator('svg.scatter g.net').count(), predicted.length, 'the file\'s networks, where predicted');
  if (predicted.length) {
    assert.deepEqual(await page.locator('svg.scatter .net-label').allTextContents(), predicted.map((n) => n.name));
    assert.equal(await page.locator('svg.scatter g.net line.err').count(), predicted.length, 'with their spread');
    assert.equal(await page.locator('svg.scatter circle.trace-pt').count(), explorer.path!.steps.length, 'the trace path');
  }
  // The Spearman matrix: settings × settings.
  const n = explorer.settings.length;
  assert.equal(await page.locator('svg.corr g.corr-cell').count(), n * n);
  const corr = correlationMatrix(explorer);
  assert.equal(await page.locator('svg.corr g.corr-cell text').nth(1).textContent(), corr.rho[0][1].toFixed(2));
  assert.equal(await page.locator('svg.corr g.corr-cell text').nth(0).textContent(), '1.00');
  // Another setting: only its measured networks.
  await page.selectOption('#setting-picker', String(explorer.settings.findIndex((s) => s.name === 'video')));
  assert.equal(await scatterCount(page), bench.withVideo);
  await page.selectOption('#setting-picker', String(seg));
  // Hover a point: its values; click: its code; insert it.
  const b = await scatterPoint(page, 5);
  await page.mouse.move(b.x, b.y);
  await page.locator('.tip').waitFor({ state: 'visible' });
  assert.match(await page.locator('.tip').textContent() ?? '', /measured/);
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForSelector('.details code.picked-code');
  await page.fill('#insert-name', 'not a name');
  await page.click('#insert-picked');
  assert.match(await page.locator('#insert-name-error').textContent() ?? '', /is not a name/);
  assert.equal(((await v.posted()) as Record<string, unknown>[]).filter((m) => m.type === 'insert').length, 0, 'nothing posted for a bad name');
  await page.fill('#insert-name', 'picked_net');
  await page.click('#insert-picked');
  const insert = ((await v.posted()) as Record<string, unknown>[]).find((m) => m.type === 'insert')!;
  assert.equal(insert.name, 'picked_net');
  assert.ok(explorer.points.some((p) => p.code.join() === (insert.code as number[]).join()), 'a benchmark network\'s code');
  assert.equal(await page.locator('.details table.strip td').count(), 27);
  // Zoom with the wheel: points move.
  await page.evaluate(() => window.scrollTo(0, 0));
  const before = await scatterPoint(page, 5);
  const box = (await page.locator('svg.scatter').boundingBox())!;
  const xform = await page.getAttribute('svg.scatter g.pts-xform', 'transform');
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await page.waitForFunction((t) => document.querySelector('svg.scatter g.pts-xform')?.getAttribute('transform') !== t, xform);
  const zoomed = await scatterPoint(page, 5);
  assert.ok(Math.abs(zoomed.x - before.x) + Math.abs(zoomed.y - before.y) > 1, 'points move with the zoom');
  await page.click('#reset-zoom');
  const back = await scatterPoint(page, 5);
  assert.ok(Math.abs(back.x - before.x) < 0.01 && Math.abs(back.y - before.y) < 0.01);
  // Keyboard: the front table picks too.
  await page.locator('table.front-table tbody tr').first().focus();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('.details h2').textContent() ?? '', /Benchmark network #/);
  await page.click('.corr-box .export-buttons button:has-text("SVG")');
  assert.ok(((await v.posted()) as Record<string, unknown>[]).some((m) => m.type === 'save' && m.fileName === 'spearman-matrix.svg'));
  assert.match(await page.getAttribute('svg.scatter', 'aria-label') ?? '', /^Scatter of 80 benchmark networks/);
  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    const w = await openView(browser!, theme, { width: 1000, height: 1000 }, undefined, 'explorer');
    await w.post({ type: 'explorer', data: explorer });
    await w.page.waitForSelector('svg.scatter path.pt', { state: 'attached' });
    await shot(w.page, `explorer-${theme}`);
    assert.deepEqual(await w.problems(), []);
    await w.page.close();
  }
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test('compare: the file\'s networks side by side, sortable, exportable', { skip }, async () => {
  const v = await openView(browser!, 'light', undefined, undefined, 'compare');
  await v.post({ type: 'compare', data: compare });
  const page = v.page;
  await page.waitForSelector('table.compare tbody tr');
  assert.equal(await page.locator('table.compare tbody tr').count(), 3);
  const names = () => page.locator('table.compare tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-name')));
  assert.deepEqual(await names(), ['bench_first', 'hrnet_small', 'best201']);
  assert.ok((await page.locator('table.compare thead th').allTextContents()).some((t) => /seg mIoU measured/.test(t)), 'a measured column');
  await page.click('th button[data-key="flops"]');
  const flops = compare.rows.filter((r) => r.flops !== undefined).sort((a, b) => b.flops! - a.flops!).map((r) => r.name);
  assert.deepEqual((await names()).slice(0, flops.length), flops, 'descending FLOPs first');
  assert.equal(await page.getAttribute('th[aria-sort="descending"] button', 'data-key'), 'flops');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('th[aria-sort="ascending"] button', 'data-key'), 'flops', 'keyboard toggles the order');
  await page.click('#export-csv');
  await page.click('#export-json');
  await page.locator('table.compare tbody th button').first().click();
  const posted = (await v.posted()) as Record<string, unknown>[];
  const csv = posted.find((m) => m.type === 'save' && m.format === 'csv')!.data as string;
  assert.match(csv.split('\n')[0], /^name,kind,line,code,flops_G,params_M,cls-50-1000\.top1 mean/);
  assert.equal(csv.trim().split('\n').length, 4);
  assert.equal(JSON.parse(posted.find((m) => m.format === 'json')!.data as string).rows.length, 3);
  assert.ok(posted.some((m) => m.type === 'openNetwork'));
  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    const w = await openView(browser!, theme, undefined, undefined, 'compare');
    await w.post({ type: 'compare', data: compare });
    await w.page.waitForSelector('table.compare tbody tr');
    await shot(w.page, `compare-${theme}`);
    await w.page.close();
  }
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test('trace view in the three themes (screenshots)', { skip }, async () => {
  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    const v = await openView(browser!, theme, { width: 1100, height: 1000 });
    await v.post({ type: 'trace', result: wta, name: 'seg_small', budget: BUDGET });
    await v.page.waitForSelector('svg.code-trace');
    await shot(v.page, `trace-${theme}`);
    assert.deepEqual(await v.problems(), []);
    await v.page.close();
  }
});
