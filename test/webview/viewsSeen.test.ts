// The views as a person sees them (issue 26), in headless Chromium under the product's CSP with the
// theme variables code-server gives a webview (themes.json) and VS Code's own webview rules
// (browser.ts): every view in the four theme kinds at a side panel's width (575 px: half of a
// 1,500-px window beside the sidebar), at the ~325 px a side panel gets in a 1,000×700 window, and
// at 1,000×700 passes the in-page checks (pageChecks.ts:
// WCAG AA contrast for every text element, nothing cut, spilling or overprinted, no text under
// 9 px, no sideways page); and one test per item: high contrast (1), what is in view at the side
// panel's width (4), the chosen step kept across a rebuilt webview and inserted (5), the views
// naming their file (6), explorer names and Pareto codes (9). The same checks run in code-server
// by test/e2e/views.test.ts. Screenshots: .tmp/views-screenshots/seen/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PropagationResult } from '../../server/src/core/propagate';
import type { CompareData, ExplorerData } from '../../server/src/features/views/viewData';
import { chromiumMissing, launch, openView, ROOT, type ThemeName } from './browser';
import { PAGE_CHECKS, failures, type PageCheckReport } from './pageChecks';
import { BUDGET, cellTrace, multiresTrace } from './traces';
import { documentText, generateBenchmark } from './viewFixtures';
import { startClient } from '../lsp/harness';
import { allSteps } from '../../webview/src/trace/exportTrace';
import { placeLabels } from '../../webview/src/explorer/labels';

const skip = chromiumMissing();
const SHOTS = join(ROOT, '.tmp', 'views-screenshots', 'seen');
const URI = 'file:///tmp/mynet.ncp';
const THEMES: ThemeName[] = ['light', 'dark', 'high-contrast', 'hc-light'];
const SIDE = { width: 575, height: 900 };
/** The view's share of a 1,000×700 window beside the sidebar (measured in code-server: ~325 px). */
const NARROW = { width: 325, height: 620 };
const SMALL = { width: 1000, height: 700 };
let browser: Browser | undefined;
let wta: PropagationResult;
let cells: PropagationResult;
let explorer: ExplorerData;
let compare: CompareData;

before(async () => {
  if (skip) return;
  wta = await multiresTrace();
  cells = await cellTrace();
  const bench = generateBenchmark(80, 11);
  const client = await startClient({ settings: { ncp: { benchmark: { path: bench.path } } } });
  try {
    await client.open(URI, documentText(bench));
    const best = wta.runTraces![wta.bestRestart];
    explorer = await client.request<ExplorerData>('ncp/benchmarkExplorer', { uri: URI, path: { label: 'seg_small', codes: best.map((s) => s.rounded), steps: best.map((s) => s.step) } });
    compare = await client.request<CompareData>('ncp/compare', { uri: URI });
  } finally {
    await client.stop();
  }
  assert.ok(!('error' in explorer) && !('error' in compare));
  browser = await launch();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
});

type ViewName = 'trace' | 'nb201' | 'explorer' | 'compare';

async function open(view: ViewName, theme: ThemeName, size: { width: number; height: number }, state?: unknown) {
  const v = await openView(browser!, theme, size, state, view === 'nb201' ? 'trace' : view);
  if (view === 'trace') await v.post({ type: 'trace', result: wta, name: 'seg_small', budget: BUDGET, file: 'mynet.ncp' });
  else if (view === 'nb201') await v.post({ type: 'trace', result: cells, name: 'cell_search', file: 'cells.ncp' });
  else if (view === 'explorer') await v.post({ type: 'explorer', data: explorer });
  else await v.post({ type: 'compare', data: compare });
  await v.page.waitForSelector(view === 'trace' ? 'svg.code-trace' : view === 'nb201' ? 'svg.edge-grid' : view === 'explorer' ? 'svg.scatter path.pt' : 'table.compare tbody tr', { state: 'attached' });
  return v;
}

async function check(page: Page): Promise<PageCheckReport> {
  return (await page.evaluate(PAGE_CHECKS)) as PageCheckReport;
}

test('every view, four theme kinds, side-panel width, a 1,000-px window\'s side panel and 1,000×700: AA contrast, nothing cut, spilled, overprinted or tiny', { skip }, async () => {
  const problems: string[] = [];
  for (const theme of THEMES) {
    for (const size of [SIDE, NARROW, SMALL]) {
      for (const view of ['trace', 'nb201', 'explorer', 'compare'] as ViewName[]) {
        if (view === 'nb201' && size === SMALL) continue;
        const v = await open(view, theme, size);
        const r = await check(v.page);
        assert.ok(r.texts > 20, `${view}: ${r.texts} texts found`);
        problems.push(...failures(r).map((f) => `${view} ${theme} ${size.width}: ${f}`));
        writeFileSync(join(SHOTS, `${view}-${theme}-${size.width}.png`), await v.page.screenshot({ fullPage: true }));
        assert.deepEqual(await v.problems(), []);
        await v.page.close();
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('item 1, high contrast: the codes and every button are readable in Dark High Contrast', { skip }, async () => {
  const v = await open('trace', 'high-contrast', SIDE);
  const r = await check(v.page);
  assert.deepEqual(r.contrast, []);
  const colours = await v.page.$$eval('code.start, code.result, button', (els) => els.map((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor, getComputedStyle(e).borderTopColor]));
  for (const [fg, bg, border] of colours) {
    assert.equal(fg, 'rgb(255, 255, 255)', 'the theme\'s foreground');
    assert.match(bg, /rgba\(0, 0, 0, 0\)|rgb\(0, 0, 0\)/, 'no background but the theme\'s');
    assert.equal(border, 'rgb(111, 195, 223)', 'the contrastBorder outline');
  }
  await v.page.close();
});

test('item 4, at a side panel\'s width: code trace readable, strip with headers that scrolls, FLOPs in view, predictions in view with the name column kept', { skip }, async () => {
  const v = await open('trace', 'light', SIDE);
  const page = v.page;
  const trace = await page.evaluate(() => {
    const svg = document.querySelector('svg.code-trace') as SVGSVGElement;
    const box = svg.parentElement!.getBoundingClientRect();
    const panels = Array.from(svg.querySelectorAll('g.code-panel')).map((g) => g.getBoundingClientRect());
    return { svgWidth: svg.getBoundingClientRect().width, box: box.width, columns: new Set(panels.map((p) => Math.round(p.left))).size, legendRows: document.querySelectorAll('.code-legend dt').length };
  });
  assert.ok(trace.svgWidth <= trace.box + 1, `the code trace (${trace.svgWidth} px) fits its ${trace.box} px`);
  assert.equal(trace.columns, 2, 'two columns of panels at this width');
  assert.equal(trace.legendRows, 0, 'no page-long legend: each panel keys its lines');
  const strip = await page.evaluate(() => {
    const box = document.querySelector('.strip-box') as HTMLElement;
    return {
      names: document.querySelectorAll('table.strip thead tr.names th:not(.corner)').length,
      groups: Array.from(document.querySelectorAll('table.strip thead tr.groups th:not(.corner)')).map((t) => t.textContent),
      scrolls: box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === 'auto',
    };
  });
  assert.equal(strip.names, 27, 'a header per position');
  assert.deepEqual(strip.groups, ['stem', 'stage 1', 'stage 2', 'stage 3', 'stage 4', 'head']);
  assert.ok(strip.scrolls, 'the strip scrolls sideways in its own box');
  const flops = await page.evaluate(() => {
    const box = document.querySelector('.table-scroll') as HTMLElement;
    const th = Array.from(box.querySelectorAll('th')).find((t) => t.textContent === 'FLOPs G')!;
    return th.getBoundingClientRect().right <= box.getBoundingClientRect().right;
  });
  assert.ok(flops, 'the steps table shows FLOPs without scrolling');
  await page.close();

  const c = await open('compare', 'light', SIDE);
  const seen = await c.page.evaluate(() => {
    const box = document.querySelector('.table-scroll.wide') as HTMLElement;
    const right = box.getBoundingClientRect().right;
    const heads = Array.from(document.querySelectorAll('table.compare thead th')).filter((t) => t.getBoundingClientRect().right <= right).map((t) => t.textContent ?? '');
    const name = document.querySelector('table.compare tbody th.name') as HTMLElement;
    const before = name.getBoundingClientRect().left;
    box.scrollLeft = 400;
    return { heads, before, after: name.getBoundingClientRect().left, scrolled: box.scrollLeft };
  });
  assert.ok(seen.heads.some((h) => /predicted/.test(h)), `a prediction in view: ${seen.heads.join(' | ')}`);
  assert.ok(seen.scrolled > 0, 'the table scrolls sideways');
  assert.equal(seen.after, seen.before, 'the name column stays in view');
  await c.page.close();
});

test('item 5: the chosen step is kept when the webview is rebuilt from its state, and Insert inserts it', { skip }, async () => {
  const v = await open('trace', 'light', SIDE);
  const all = allSteps(wta);
  const i = all.findIndex((t) => t.restart !== wta.bestRestart && t.step === 2);
  assert.ok(i >= 0);
  await v.page.selectOption('#run-picker', String(all[i].restart));
  await v.page.locator(`table.steps tbody tr[data-index="${i}"]`).click();
  const state = await v.state();
  await v.page.close();
  // VS Code rebuilds a hidden webview from its state, then the host sends the same trace again.
  const w = await open('trace', 'light', SIDE, state);
  assert.equal(await w.page.locator('table.steps tbody tr.selected').getAttribute('data-index'), String(i), 'the step is still selected');
  assert.equal(await w.page.inputValue('#run-picker'), String(all[i].restart), 'in its run');
  assert.match((await w.page.locator('#selected-step').textContent()) ?? '', new RegExp(`run ${all[i].restart}, step 2:`));
  await w.page.click('#insert-step');
  const insert = ((await w.posted()) as Record<string, unknown>[]).find((m) => m.type === 'insert')!;
  assert.deepEqual(insert, { type: 'insert', space: 'multires', code: all[i].rounded, name: `seg_small_run${all[i].restart}_step2` });
  // Another run arriving starts at its own result.
  await w.post({ type: 'trace', result: cells, name: 'cell_search', file: 'cells.ncp' });
  await w.page.waitForSelector('svg.edge-grid');
  const best = allSteps(cells).findIndex((t) => t.restart === cells.bestRestart && t.step === cells.runs.find((r) => r.restart === cells.bestRestart)!.bestStep);
  assert.equal(await w.page.locator('table.steps tbody tr.selected').getAttribute('data-index'), String(best));
  await w.page.close();
});

test('item 6: each view names the file it shows', { skip }, async () => {
  const t = await open('trace', 'light', SIDE);
  assert.equal(await t.page.locator('#trace-file').textContent(), 'in mynet.ncp');
  await t.post({ type: 'trace', result: null, file: 'other.ncp' });
  assert.match((await t.page.locator('.empty').textContent()) ?? '', /No propagation has run in other\.ncp yet/);
  await t.page.close();
  for (const view of ['compare', 'explorer'] as const) {
    const v = await open(view, 'light', SIDE);
    assert.match((await v.page.locator('h1').textContent()) ?? '', / — mynet\.ncp$/, view);
    await v.page.close();
  }
});

test('item 9: explorer names never overprint and stay inside the plot; Pareto codes are never wrapped', { skip }, async () => {
  // crowded: ten networks around one point, one at the plot's right edge
  const plot = { left: 50, top: 10, right: 400, bottom: 300 };
  const wanted = [...Array.from({ length: 10 }, (_, k) => ({ x: 200 + (k % 3) * 4, y: 150 + k * 3, label: `network_${k}` })), { x: 398, y: 12, label: 'edge_network' }];
  const { placed, skipped } = placeLabels(wanted, plot, (s) => s.length * 6.6);
  assert.equal(placed.length + skipped.length, wanted.length);
  assert.ok(placed.length >= 3 && skipped.length > 0, `${placed.length} placed, ${skipped.length} left out`);
  for (const p of placed) {
    assert.ok(p.box.left >= plot.left && p.box.right <= plot.right && p.box.top >= plot.top && p.box.bottom <= plot.bottom, `${p.label} inside the plot`);
    for (const q of placed) if (q !== p) assert.ok(p.box.right <= q.box.left || q.box.right <= p.box.left || p.box.bottom <= q.box.top || q.box.bottom <= p.box.top, `${p.label} and ${q.label} apart`);
  }
  assert.ok(placed.some((p) => p.label === 'edge_network' && p.anchor === 'end'), 'at the right edge the name goes to the left of its marker');
  const v = await open('explorer', 'light', SIDE);
  const lines = await v.page.$$eval('table.front-table td code', (els) => els.map((e) => e.getClientRects().length));
  assert.ok(lines.length > 0 && lines.every((n) => n === 1), 'each code on one line');
  assert.equal((await check(v.page)).overlap.length, 0);
  await v.page.close();
});
