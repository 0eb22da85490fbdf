// Issue 17 item 4: a search block's best-so-far against queries — the chart model and the message
// check in node, and the view rendered in headless Chromium under the product's CSP from the real
// server's `ncp/searchProgress` answer on a measurements file generated here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launch, openView, ROOT } from './browser';
import { startClient, type LspClient } from '../lsp/harness';
import { progressChart, progressSummary, type SearchProgressData } from '../../webview/src/search/model';
import { checkDataMessage } from '../../webview/src/messages';
import { cellToString } from '../../server/src/core/space/nb201';
import { makeRng } from '../../server/src/core/random';

const skip = chromiumMissing();
let browser: Browser | undefined;
let client: LspClient | undefined;
let dir: string;
let answer: SearchProgressData;
const ACC: number[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ncp-progress-'));
  const rand = makeRng(5);
  const rows: string[] = [];
  for (let i = 0; i < 40; i++) {
    const cell = Array.from({ length: 6 }, () => Math.floor(rand() * 5));
    if (i % 9 === 4) {
      rows.push(JSON.stringify({ space: 'nb201', cell: cellToString(cell), ok: false, error: 'exit status 1', seconds: 3 }));
      continue;
    }
    const acc = Math.round((40 + 6 * rand() + i * 0.05) * 100) / 100;
    ACC[i] = acc;
    rows.push(JSON.stringify({ space: 'nb201', cell: cellToString(cell), metrics: { nb201: { acc } }, ok: true, seconds: 3 }));
  }
  writeFileSync(join(dir, 'runs.jsonl'), rows.join('\n') + '\n');
  client = await startClient();
  const uri = pathToFileURL(join(dir, 'p.ncp')).href;
  await client.open(uri, 'search s {\n  maximize nb201.acc\n  measurements "runs.jsonl"\n}\n');
  answer = await client.request<SearchProgressData>('ncp/searchProgress', { uri, name: 's' });
  if (!skip) browser = await launch();
});

after(async () => {
  await browser?.close();
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('model: best so far is a rising step line over every query; failures are ticks', () => {
  assert.equal(answer.points.length, 40);
  const c = progressChart(answer, 600);
  assert.equal(c.dots.length, 40 - answer.points.filter((p) => !p.ok).length);
  assert.equal(c.failures.length, 4);
  assert.match(c.bestPath, /^M[\d.]+,[\d.]+(H[\d.]+V[\d.]+)*H584\.0$/);
  // the line never goes down (SVG y grows downwards)
  const ys = [...c.bestPath.matchAll(/[,V]([\d.]+)/g)].map((m) => Number(m[1]));
  for (let i = 1; i < ys.length; i++) assert.ok(ys[i] <= ys[i - 1] + 1e-9, `best-so-far fell at ${i}: ${ys}`);
  for (const d of c.dots) assert.ok(d.x >= c.left && d.x <= c.right && d.y >= c.top && d.y <= c.bottom);
  const best = Math.max(...ACC.filter((v) => v !== undefined));
  const at = ACC.indexOf(best) + 1;
  assert.equal(progressSummary(answer), `40 queries (4 failed); best nb201.acc ${best} at query ${at}`);
  assert.match(progressSummary({ ...answer, points: [] }), /No measurements yet in runs\.jsonl/);
});

test('the view refuses a malformed progress message (unknown field, queries out of order, a string value)', () => {
  assert.ok(checkDataMessage({ type: 'searchProgress', data: answer }).ok);
  const bad = [
    { ...answer, extra: 1 },
    { ...answer, points: [{ query: 2, ok: true }] },
    { ...answer, points: [{ query: 1, ok: true, value: '47' }] },
    { ...answer, points: [{ query: 1, ok: 'yes' }] },
  ];
  for (const data of bad) assert.equal(checkDataMessage({ type: 'searchProgress', data }).ok, false, JSON.stringify(data).slice(0, 120));
});

test('view: the chart, its summary and its export, with no CSP violation', { skip }, async () => {
  const v = await openView(browser!, 'dark', undefined, undefined, 'search');
  await v.post({ type: 'searchProgress', data: answer });
  const page = v.page;
  await page.waitForSelector('svg.search-progress path.best-so-far');
  assert.equal(await page.locator('svg.search-progress circle.measured').count(), 36);
  assert.equal(await page.locator('svg.search-progress line.failed').count(), 4);
  assert.match((await page.locator('p.summary').textContent()) ?? '', /^40 queries \(4 failed\); best nb201\.acc/);
  assert.equal(await page.locator('h1').textContent(), 'Search s: best nb201.acc so far');
  await page.getByRole('button', { name: 'Save the chart as SVG' }).click();
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 1);
  const posted = (await v.posted()) as { type: string; format?: string; fileName?: string; data?: string }[];
  const save = posted.find((m) => m.type === 'save');
  assert.equal(save?.format, 'svg');
  assert.equal(save?.fileName, 'search-s.svg');
  const svgText = save?.data ?? '';
  assert.ok(/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(svgText) && svgText.includes('<path') && (svgText.match(/<circle/g) ?? []).length === 36, 'a standalone SVG with the line and 36 dots');
  assert.deepEqual(await v.problems(), []);
  mkdirSync(join(ROOT, '.tmp', 'views-screenshots'), { recursive: true });
  writeFileSync(join(ROOT, '.tmp', 'views-screenshots', 'search-progress-dark.png'), await page.screenshot({ fullPage: true }));
  // a malformed message draws nothing and says why
  await v.post({ type: 'searchProgress', data: { ...answer, points: 'x' } });
  await page.waitForSelector('.error');
  assert.equal(await page.locator('svg.search-progress circle.measured').count(), 36);
});
