// The bundled trace view (dist/webview.js) rendered for real in headless Chromium under the
// product's CSP, fed a trace from the real propagation engine. Skips when Chromium is absent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { propagate, type PropagationResult } from '../../server/src/core/propagate';
import { codeToString } from '../../server/src/core/space/multires';
import { resultJson } from '../../server/src/core/propagate/format';
import { additiveCellPredictor, growingPredictor, quadraticPredictor } from '../core/propagate.fixtures';
import { cellToString } from '../../server/src/core/space/nb201';
import { chromiumMissing, launch, openView, ROOT, THEMES } from './browser';
import { realTrace } from './realTrace';
import { allSteps } from '../../webview/src/trace/exportTrace';

const skip = chromiumMissing();
let browser: Browser | undefined;
let result: PropagationResult;
const budget = { flopsMax: 1.2 };

before(async () => {
  if (skip) return;
  const t = await realTrace();
  if ('skip' in t) {
    // Without predictors or data the engine still runs, on analytic predictors.
    console.log(`# trace from analytic predictors: ${t.skip}`);
    const target = [16, 48, 1, 3, 24, 3, 2, 3, 32, 48, 2, 3, 3, 3, 40, 48, 56, 3, 2, 2, 2, 2, 32, 48, 64, 80, 96];
    const seg = quadraticPredictor(target, 'seg');
    const cls = growingPredictor('cls-50-1000');
    result = await propagate(
      {
        space: 'multires',
        start: [24, 32, 2, 2, 32, 2, 2, 2, 16, 32, 2, 2, 2, 2, 16, 32, 64, 2, 1, 1, 1, 1, 16, 32, 64, 96, 64],
        objective: [{ weight: 1, setting: 'seg', metric: 'mIoU' }, { weight: 0.5, setting: 'cls-50-1000', metric: 'mIoU' }],
        lambda: 0.5, flopsMax: budget.flopsMax, steps: 24, restarts: 3, seed: 5,
      },
      (s) => (s === 'seg' ? seg : s === 'cls-50-1000' ? cls : undefined),
    );
  } else {
    console.log(`# trace from ${t.predictors} predictors`);
    result = t.result;
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('the bundle uses no eval or Function constructor (CSP without unsafe-eval)', { skip }, () => {
  const js = readFileSync(join(ROOT, 'dist/webview.js'), 'utf8');
  assert.doesNotMatch(js, /\beval\(|new Function\(/);
});

test('before any trace: says to run a propagation first, and tells the host it is ready', { skip }, async () => {
  const v = await openView(browser!);
  assert.match(await v.page.textContent('#app') ?? '', /Run a propagation first/);
  assert.deepEqual(await v.posted(), [{ type: 'ready' }]);
  await v.post({ type: 'trace', result: null });
  assert.match(await v.page.textContent('#app') ?? '', /Run a propagation first/);
  assert.deepEqual(await v.problems(), []);
  await v.page.close();
});

test('a real trace renders: header, chart lines and points, budget line, one row per step', { skip }, async () => {
  const v = await openView(browser!);
  await v.post({ type: 'trace', result, name: 'seg_small', budget });
  const page = v.page;
  await page.waitForSelector('svg.chart');
  const n = result.trace.length;
  assert.equal(await page.locator('svg.chart .objective.run.best circle.pt').count(), n);
  assert.equal(await page.locator('svg.chart .flops.run.best circle.pt').count(), n);
  const d = await page.getAttribute('svg.chart .objective.run.best path.line', 'd');
  assert.equal(d?.split('L').length, n, 'the best run is a line through every step');
  assert.equal(await page.locator('svg.chart line.budget').count(), 1);
  // Every run's steps travel with the result: the other runs are lines too, not final values only.
  assert.equal(await page.locator('svg.chart .objective.run.other').count(), result.runs.length - 1, 'a line per other run');
  assert.equal(await page.locator('svg.chart circle.summary').count(), 0);
  assert.match(await page.getAttribute('svg.chart', 'aria-label') ?? '', /^Objective over \d+ steps/);
  assert.ok((await page.locator('svg.chart text.tick').count()) > 8, 'axes have tick labels');
  // Header.
  assert.equal(await page.textContent('code.code.result'), codeToString(result.result));
  assert.equal(await page.textContent('code.code.start'), codeToString(result.snappedStart));
  assert.match(await page.textContent('table.changes') ?? '', /seg\.mIoU/);
  assert.match(await page.textContent('h1') ?? '', /seg_small/);
  // Table: one focusable row per step, the moved dimension as from → to.
  const rows = page.locator('table.steps tbody tr');
  assert.equal(await rows.count(), n);
  const moved = result.trace[1].moved!;
  assert.match(await rows.nth(1).textContent() ?? '', new RegExp(`${moved.name.replace(/[[\]]/g, '\\$&')} ${moved.from} → ${moved.to}`));
  assert.equal(await rows.nth(0).getAttribute('tabindex'), '0');
  assert.equal(await page.locator('vscode-badge').count(), 5, 'vscode-elements badges upgraded');
  assert.ok(await page.evaluate(() => customElements.get('vscode-badge') !== undefined));
  // The chart really has size (CSS loaded, SVG laid out).
  const box = await page.locator('svg.chart').boundingBox();
  assert.ok(box && box.width > 500 && box.height > 300, `chart size ${JSON.stringify(box)}`);
  // Resizing the panel redraws the chart at the new width (text stays at the editor's size).
  const before = await page.getAttribute('svg.chart', 'viewBox');
  await page.setViewportSize({ width: 600, height: 900 });
  await page.waitForFunction((b) => document.querySelector('svg.chart')?.getAttribute('viewBox') !== b, before);
  const vb = (await page.getAttribute('svg.chart', 'viewBox'))!.split(' ').map(Number);
  assert.ok(vb[2] < 600 && vb[2] >= 420, `redrawn ${vb[2]} wide`);
  assert.equal(await page.locator('table.steps tbody tr').count(), n);
  assert.deepEqual(await v.problems(), [], 'no CSP violations or errors');
  await page.close();
});

test('hover shows a point\'s values; keyboard moves through rows and Enter reveals a step', { skip }, async () => {
  const v = await openView(browser!);
  await v.post({ type: 'trace', result, budget });
  const page = v.page;
  // Indices run over every run's steps in order; the best run's rows come after the runs before it.
  const off = allSteps(result).findIndex((t) => t.restart === result.bestRestart);
  const pt = page.locator(`svg.chart .objective.run.best circle.pt[data-index="${off + 4}"]`);
  const b = (await pt.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  const tip = page.locator('.tip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.textContent();
  assert.match(text ?? '', new RegExp(`step ${result.trace[4].step}`));
  assert.match(text ?? '', new RegExp(`objective ${result.trace[4].objective.toFixed(3)}`));
  assert.equal(await page.locator('table.steps tbody tr.active').getAttribute('data-index'), String(off + 4), 'the row follows the hover');
  await page.mouse.move(0, 0);
  await tip.waitFor({ state: 'hidden' });

  await page.locator('table.steps tbody tr').first().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-index')), String(off + 2));
  assert.equal(await page.locator('svg.chart circle.active').count(), 2, 'the step is highlighted in both plots');
  assert.ok(await tip.isVisible());
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-index')), String(off + result.trace.length - 1));
  await page.locator('table.steps tbody tr').nth(5).click();
  assert.deepEqual((await v.posted()).slice(1), [{ type: 'reveal', step: off + 2 }, { type: 'reveal', step: off + 5 }]);
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test('malformed messages are reported in the view, never thrown; the last good trace stays', { skip }, async () => {
  const v = await openView(browser!);
  await v.post({ type: 'trace', result, budget });
  const page = v.page;
  const broken = { ...result, trace: result.trace.map((t, i) => (i === 2 ? { ...t, objective: 'high' } : t)) };
  for (const m of [null, 42, 'trace', { type: 'evil' }, { type: 'trace', result: { space: 'multires' } }, { type: 'trace', result: broken }]) await v.post(m);
  assert.match(await page.textContent('.error') ?? '', /result\.trace\[2\]\.objective is not a finite number/);
  assert.equal(await page.locator('.error').count(), 1, 'one banner, the latest problem');
  assert.equal(await page.locator('table.steps tbody tr').count(), result.trace.length);
  assert.deepEqual(await v.problems(), []);
  // A good message clears the banner.
  await v.post({ type: 'trace', result, budget });
  assert.equal(await page.locator('.error').count(), 0);
  await page.close();
});

test('restores the last trace from the webview state; dark theme colours come from --vscode-*', { skip }, async () => {
  const v = await openView(browser!, 'dark', undefined, { result, budget });
  const page = v.page;
  await page.waitForSelector('svg.chart');
  assert.equal(await page.locator('table.steps tbody tr').count(), result.trace.length);
  const stroke = await page.evaluate(() => getComputedStyle(document.querySelector('svg.chart .objective.run.best path.line')!).stroke);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const hex = (c: string) => '#' + (c.match(/\d+/g) ?? []).slice(0, 3).map((x) => Number(x).toString(16).padStart(2, '0')).join('');
  assert.equal(hex(stroke), THEMES.dark['--vscode-charts-blue']);
  assert.equal(hex(bg), THEMES.dark['--vscode-editor-background']);
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test('a NAS-Bench-201 cell trace: cell strings, objective plot only', { skip }, async () => {
  const table = Array.from({ length: 6 }, (_, e) => Array.from({ length: 5 }, (_, o) => ((e * 3 + o * 7) % 5) - 2));
  const p = additiveCellPredictor(table);
  const cell = await propagate({ space: 'nb201', start: [0, 0, 0, 0, 0, 0], objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }], steps: 8 }, () => p);
  const v = await openView(browser!);
  await v.post({ type: 'trace', result: cell, name: 'cell_search' });
  const page = v.page;
  await page.waitForSelector('svg.chart');
  assert.equal(await page.locator('svg.chart .flops-plot').count(), 0);
  assert.equal(await page.locator('svg.chart .objective.run.best circle.pt').count(), cell.trace.length);
  assert.equal(await page.textContent('code.code.result'), cellToString(cell.result));
  assert.equal(await page.locator('table.steps tbody tr').count(), cell.trace.length);
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test("the language server's answer (the CLI's JSON object) renders the same rows", { skip }, async () => {
  const v = await openView(browser!);
  await v.post({ type: 'trace', result: JSON.parse(JSON.stringify(resultJson(result, { name: 'x', source: 'y' }))), name: 'seg_small', budget });
  const page = v.page;
  await page.waitForSelector('svg.chart');
  assert.equal(await page.locator('table.steps tbody tr').count(), result.trace.length);
  assert.equal(await page.locator('svg.chart line.budget').count(), 1);
  assert.equal(await page.textContent('code.code.result'), codeToString(result.result));
  assert.deepEqual(await v.problems(), []);
  await page.close();
});
