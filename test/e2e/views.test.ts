// The views as a person sees them in a real VS Code (code-server + chromium, harness.ts), issue 26:
// one workbench; the trace, compare and explorer views each in the four theme kinds (Light, Dark,
// Dark High Contrast, Light High Contrast) at the default side-by-side width (a 1,500-px window,
// the view in the second editor group) and at 1,000×700 — a screenshot of each in
// test-artifacts/e2e/views/, and in each view's page: WCAG AA contrast for every text element, no
// text cut, spilling out of its box or over other text, nothing too small, no sideways page
// (test/webview/pageChecks.ts). Also: choosing a step pops no notification and is kept when the
// view is hidden and shown again (Insert inserts it); the views name their file and follow the
// active .ncp editor. Skips (naming `npm run setup:e2e`) without code-server or chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ARTIFACTS, ROOT, answerFileDialog, editorLines, missingPrerequisite, norm, notifications, openFile, runCommand, startSession, until, type Session } from './harness';
import { THEME_KINDS, setTheme, type ThemeKind } from './views';
import { PAGE_CHECKS, failures, type PageCheckReport } from '../webview/pageChecks';
import { generatedBenchmark } from '../client/generatedBenchmark';

const skip = missingPrerequisite();
if (skip) console.log(`# skipped: ${skip}`);

const EXAMPLE = readFileSync(join(ROOT, 'examples/propagate-to-seg.ncp'), 'utf8');
const MYNET = ['// a second file: no propagation has run here', 'network mynet = [64, 64, 1, 2, 32, 1, 2, 2, 32, 64, 1, 2, 2, 2, 32, 64, 128, 1, 2, 2, 2, 2, 32, 64, 128, 256, 256]', ''].join('\n');
const SHOTS = join(ARTIFACTS, 'views');
/** The default window of the issue (the view gets half of the editor area) and the small one. */
const SIZES = [
  { name: 'default', width: 1500, height: 900 },
  { name: '1000x700', width: 1000, height: 700 },
] as const;

let s: Session;
let page: Page;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The page inside the visible webview (code-server: iframe.webview → #active-frame). */
async function viewPage(): Promise<Frame> {
  return until('the visible webview', async () => {
    const outer = await page.locator('iframe.webview.ready:visible').last().elementHandle({ timeout: 2000 });
    const inner = await (await outer?.contentFrame())?.$('#active-frame');
    const f = await inner?.contentFrame();
    return f && (await f.$('#app > *')) ? f : undefined;
  }, 30_000);
}

async function viewText(): Promise<string> {
  return norm((await (await viewPage()).locator('body').textContent({ timeout: 2000 })) ?? '');
}

async function tab(title: string): Promise<void> {
  await page.locator('.tab', { hasText: title }).first().click();
  await sleep(400);
}

function shotPath(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, `${name}.png`);
}

before(async () => {
  if (skip) return;
  s = await startSession({
    name: 'views',
    files: { 'example.ncp': EXAMPLE, 'mynet.ncp': MYNET, 'notes.txt': 'not a .ncp file\n', 'data/bench.json': generatedBenchmark(80) },
    userSettings: { 'workbench.colorTheme': 'Default Light Modern' },
  });
  page = s.page;
  await page.setViewportSize({ width: 1500, height: 900 });
  await openFile(page, 'example.ncp');
});

after(async () => {
  await s?.close();
});

test('the trace view: a chosen step pops no notification and survives hiding; Insert inserts it', { skip }, async () => {
  await page.locator('.codelens-decoration a', { hasText: 'Run propagation' }).first().click();
  const lens = page.locator('.codelens-decoration a', { hasText: 'Show trace' }).first();
  await lens.waitFor({ timeout: 120_000 });
  await lens.click();
  await page.locator('.tab', { hasText: 'Trace: to_segmentation' }).first().waitFor({ timeout: 30_000 });
  let frame = await viewPage();
  await until('the steps table', async () => (await frame.locator('table.steps tbody tr').count()) > 3);
  assert.match(await viewText(), /in example\.ncp/, 'the view names its file');
  const before = (await notifications(page)).length;
  const row = frame.locator('table.steps tbody tr').nth(3);
  const index = await row.getAttribute('data-index');
  const step = Number(await row.locator('td').nth(1).textContent());
  await row.click();
  await sleep(1500);
  const toasts = (await notifications(page)).filter((n) => /^Step \d+ of run/.test(n));
  assert.deepEqual(toasts, [], 'no notification for a chosen step');
  assert.equal((await notifications(page)).length, before);
  assert.match(norm((await frame.locator('#selected-step').textContent()) ?? ''), new RegExp(`step ${step}:`), 'the view shows the chosen step');
  await page.screenshot({ path: shotPath('step-chosen') });
  // Hide the view (another editor in its group) and show it again: the webview is rebuilt from its state.
  await openFile(page, 'notes.txt');
  await tab('Trace: to_segmentation');
  frame = await viewPage();
  await until('the restored table', async () => (await frame.locator('table.steps tbody tr.selected').count()) === 1);
  assert.equal(await frame.locator('table.steps tbody tr.selected').getAttribute('data-index'), index, 'the chosen step is still selected');
  assert.match(norm((await frame.locator('#selected-step').textContent()) ?? ''), new RegExp(`step ${step}:`));
  await frame.locator('#insert-step').click();
  await tab('example.ncp');
  const inserted = await until('the inserted step', async () => (await editorLines(page)).find((l) => new RegExp(`^network to_segmentation_run\\d+_step${step}\\b`).test(l)), 30_000);
  assert.ok(inserted);
});

test('compare and explorer open, naming their file', { skip }, async () => {
  await tab('example.ncp');
  await runCommand(page, 'NCP: Compare Networks');
  await page.locator('.tab', { hasText: 'Compare networks' }).first().waitFor({ timeout: 30_000 });
  await until('the compare table', async () => /Compare networks — example\.ncp/.test(await viewText()));
  await tab('example.ncp');
  await runCommand(page, 'NCP: Open Benchmark Explorer');
  await answerFileDialog(page, join(s.workspace, 'data', 'bench.json'));
  await page.locator('.tab', { hasText: 'Benchmark explorer' }).first().waitFor({ timeout: 30_000 });
  await until('the explorer', async () => /Benchmark explorer — example\.ncp/.test(await viewText()) && /Pareto front/.test(await viewText()));
});

test('every view in the four theme kinds, at the default width and at 1,000×700: contrast, nothing cut or overprinted', { skip }, async () => {
  const problems: string[] = [];
  const lowest: string[] = [];
  for (const [kind, t] of Object.entries(THEME_KINDS) as [ThemeKind, (typeof THEME_KINDS)[ThemeKind]][]) {
    await tab('example.ncp');
    await setTheme(page, t.theme);
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const [view, title] of [['trace', 'Trace: to_segmentation'], ['compare', 'Compare networks'], ['explorer', 'Benchmark explorer']] as const) {
        await tab(title);
        const frame = await viewPage();
        await until(`the ${view} view in ${kind}`, async () => ((await frame.locator('body').getAttribute('class')) ?? '').split(/\s+/).includes(t.bodyClass), 15_000);
        await sleep(300); // a resize redraws the charts on the next frame
        const r = (await frame.evaluate(PAGE_CHECKS)) as PageCheckReport;
        await page.screenshot({ path: shotPath(`${view}-${kind}-${size.name}`) });
        lowest.push(`${view} ${kind} ${size.name}: ${r.texts} texts, lowest contrast ${r.lowest.ratio}:1`);
        assert.ok(r.texts > 10, `${view} ${kind} ${size.name}: only ${r.texts} texts found`);
        problems.push(...failures(r).map((f) => `${view} ${kind} ${size.name}: ${f}`));
      }
    }
  }
  console.log(lowest.map((l) => `# ${l}`).join('\n'));
  assert.deepEqual(problems, []);
});

test('the views follow the active .ncp editor', { skip }, async () => {
  await page.setViewportSize({ width: 1500, height: 900 });
  await tab('example.ncp'); // the first group: mynet.ncp opens there
  await openFile(page, 'mynet.ncp');
  const onMynet = async () => /Compare networks — mynet\.ncp/.test(await viewText()) && /\bmynet\b/.test(await viewText());
  await tab('Compare networks');
  // Clicked at once: the switch to mynet.ncp must not be lost when the view's tab takes the focus
  // within the client's debounce (it was, once in 3 clean-clone runs; test/client/traceFollow.test.ts).
  await until('compare on mynet.ncp', onMynet, 30_000);
  await tab('Benchmark explorer');
  await until('the explorer on mynet.ncp', async () => /Benchmark explorer — mynet\.ncp/.test(await viewText()), 60_000);
  await page.locator('.tab', { hasText: /Trace|Propagation trace/ }).first().click();
  await until('the trace view on mynet.ncp', async () => /No propagation has run in mynet\.ncp yet/.test(await viewText()), 30_000);
  await page.screenshot({ path: shotPath('follow-mynet') });
  await tab('example.ncp');
  await page.locator('.tab', { hasText: /Trace|Propagation trace/ }).first().click();
  await until('the trace view back on example.ncp', async () => /in example\.ncp/.test(await viewText()), 30_000);
});
