// Hostile input for the views in headless Chromium under the product's CSP: file text with HTML in
// names and notes stays text, malformed messages draw nothing and post nothing, and nothing trips
// the CSP (no inline script or style, no remote loads).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { CompareData, ExplorerData } from '../../server/src/features/views/viewData';
import { chromiumMissing, launch, openView, scatterCount } from './browser';
import { analyticTrace } from './traces';
import type { PropagationResult } from '../../server/src/core/propagate';

const skip = chromiumMissing();
let browser: Browser | undefined;
let trace: PropagationResult;
const EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const code = [16, 16, 1, 1, 8, 1, 1, 1, 8, 8, 1, 1, 1, 1, 8, 8, 8, 1, 1, 1, 1, 1, 8, 8, 8, 8, 8];

const explorer: ExplorerData = {
  source: `/tmp/${EVIL}.json`,
  space: 'multires',
  settings: [{ name: 'seg', metrics: ['mIoU'] }, { name: EVIL, metrics: [EVIL] }],
  points: [1, 2, 3, 4, 5].map((k) => ({ code: code.map((v, i) => (i === 0 ? 8 * k : v)), flops: k / 2, params: k, values: [[50 + k], [40 + k]] })),
  networks: [{ name: EVIL, code, flops: 1, params: 1, predicted: [[{ mean: 52, std: 1 }], null] }],
  uri: 'file:///x.ncp',
  version: 3,
  notes: [`note ${EVIL}`],
};

before(async () => {
  if (skip) return;
  trace = await analyticTrace({ steps: 5, restarts: 2 });
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function noMarkup(page: import('playwright-core').Page): Promise<void> {
  assert.equal(await page.locator('#app img').count(), 0, 'no element from the text');
  assert.equal(await page.locator('#app script').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
}

test('explorer: HTML in names, settings, notes and the source path is shown as text', { skip }, async () => {
  const v = await openView(browser!, 'dark', undefined, undefined, 'explorer');
  await v.post({ type: 'explorer', data: explorer });
  const page = v.page;
  await page.waitForSelector('svg.scatter g.net');
  await noMarkup(page);
  assert.equal(await page.locator('svg.scatter .net-label').textContent(), EVIL);
  assert.match(await page.locator('.notes').textContent() ?? '', /note <img src=x/);
  assert.match(await page.locator('header p.muted').textContent() ?? '', /<script>/);
  assert.equal(await page.locator('svg.corr g.corr-cell').count(), 4);
  assert.deepEqual(await v.problems(), []);
  await page.close();
});

test('trace and compare: HTML in the propagation name and network names is text', { skip }, async () => {
  const v = await openView(browser!);
  await v.post({ type: 'trace', result: trace, name: EVIL });
  await v.page.waitForSelector('svg.code-trace');
  await noMarkup(v.page);
  assert.match(await v.page.locator('h1').textContent() ?? '', /<img src=x/);
  await v.page.click('#insert-step');
  const insert = ((await v.posted()) as { type: string; name?: string }[]).find((m) => m.type === 'insert')!;
  assert.match(insert.name!, /^[A-Za-z_][A-Za-z0-9_]*$/, 'the suggested name is a plain identifier');
  assert.deepEqual(await v.problems(), []);
  await v.page.close();

  const compare: CompareData = { uri: 'u', settings: [{ name: 'seg', metrics: ['mIoU'] }], rows: [{ name: EVIL, kind: 'network', line: 0, code, flops: 1, params: 1, predicted: [null], measured: [null] }], notes: [] };
  const c = await openView(browser!, 'light', undefined, undefined, 'compare');
  await c.post({ type: 'compare', data: compare });
  await c.page.waitForSelector('table.compare tbody tr');
  await noMarkup(c.page);
  assert.equal(await c.page.locator('table.compare tbody th').textContent(), EVIL);
  assert.deepEqual(await c.problems(), []);
  await c.page.close();
});

test('malformed messages: nothing drawn from them, nothing posted, the last good view stays', { skip }, async () => {
  const v = await openView(browser!, 'light', undefined, undefined, 'explorer');
  await v.post({ type: 'explorer', data: explorer });
  const page = v.page;
  await page.waitForSelector('svg.scatter path.pt', { state: 'attached' });
  const bad: unknown[] = [
    null, 7, 'explorer', [], { type: 'explorer' }, { type: 'trace', result: null },
    { type: 'explorer', data: { ...explorer, points: [{ ...explorer.points[0], flops: Infinity }] } },
    { type: 'explorer', data: { ...explorer, points: [{ ...explorer.points[0], code: [1, 2, 3] }] } },
    { type: 'explorer', data: { ...explorer, settings: 'seg' } },
    { type: 'explorer', data: { ...explorer, networks: [{ ...explorer.networks[0], predicted: [[{ mean: 'x', std: 1 }], null] }] } },
    { type: 'explorer', data: { ...explorer, points: new Array(20_001).fill(explorer.points[0]) } },
    { type: 'compare', data: { rows: 1 } },
  ];
  for (const m of bad) await v.post(m);
  assert.equal(await page.locator('.error').count(), 1, 'one banner: the latest problem');
  assert.match(await page.locator('.error').textContent() ?? '', /Ignored a malformed message/);
  assert.equal(await scatterCount(page), 5, 'the good data is still drawn');
  assert.deepEqual(await v.posted(), [{ type: 'ready' }], 'nothing posted because of them');
  assert.deepEqual(await v.problems(), []);
  await page.close();

  const t = await openView(browser!);
  await t.post({ type: 'trace', result: trace });
  await t.page.waitForSelector('svg.code-trace');
  const broken = { ...trace, runTraces: [[{ ...trace.trace[0], rounded: [1, 2] }]] };
  for (const m of [{ type: 'cursor', network: { name: 'x', space: 'multires', code: [1] } }, { type: 'trace', result: broken }, { type: 'trace', result: { ...trace, runTraces: new Array(101).fill([]) } }]) await t.post(m);
  assert.match(await t.page.locator('.error').textContent() ?? '', /runTraces has 101 entries \(at most 100\)/);
  assert.equal(await t.page.locator('table.strip tbody tr').count(), 3, 'the malformed cursor network is not shown');
  assert.equal(await t.page.locator('svg.code-trace g.code-panel').count(), 8);
  assert.deepEqual(await t.posted(), [{ type: 'ready' }]);
  assert.deepEqual(await t.problems(), []);
  await t.page.close();
});
