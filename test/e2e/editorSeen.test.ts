// The editor as a new user meets it (issue #26, language/client half), in a real VS Code
// (code-server + chromium, test/e2e/harness.ts): the first visible line of a network's hover and
// its inlay hint hold a prediction (the hint is not cut by the editor); the walkthrough's buttons
// act on the last active .ncp file while the walkthrough tab is active, and its steps tick only
// when the thing happened (a run from the code lens ticks "Run a propagation"); a failed run is
// one notification; the budget box refuses a budget below the smallest network; completion offers
// each keyword once and the grid's channel values after `stem`; a new line indents by 2 spaces.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, editorLines, goTo, hoverText, missingPrerequisite, notifications, openFile, quickInput, runCommand, shot, startSession, until, type Session } from './harness';

const skip = missingPrerequisite();
if (skip) console.log(`# skipped: ${skip}`);

const EXAMPLE = readFileSync(join(ROOT, 'examples/propagate-to-seg.ncp'), 'utf8').replace('restarts 10', 'restarts 1').replace('steps 70', 'steps 8');
const NET = 'network other = [88, 128, 1, 1, 128, 1, 1, 4, 120, 32, 2, 1, 2, 4, 128, 128, 128, 1, 1, 1, 1, 1, 32, 128, 8, 8, 128]\n';
let s: Session;
let page: Page;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function norm(t: string | null): string {
  return (t ?? '').replace(/\u00a0/g, ' ');
}

function check(name: string, fn: () => Promise<void>): void {
  test(name, { skip }, async () => {
    try {
      await fn();
    } catch (e) {
      if (page) {
        await shot(page, `FAILED-seen-${name.replace(/[^\w]+/g, '-').slice(0, 50)}`).catch(() => undefined);
        await page.keyboard.press('Escape').catch(() => undefined);
      }
      throw e;
    }
  });
}

async function tab(name: string): Promise<void> {
  await page.locator('.tab', { hasText: name }).first().click();
  await sleep(300);
}

async function dismissNotifications(): Promise<void> {
  for (const b of await page.locator('.notification-toast .codicon-notifications-clear, .notification-toast .action-label.codicon-close').all()) {
    await b.click().catch(() => undefined);
  }
  await sleep(200);
}

/** The walkthrough step whose id ends with `#id` (aria-checked says whether it is done). */
function step(id: string) {
  return page.locator(`button.getting-started-step[data-step-id$="#${id}"]`).first();
}

async function stepDone(id: string): Promise<boolean> {
  return (await step(id).getAttribute('aria-checked')) === 'true';
}

async function openWalkthrough(): Promise<void> {
  // from the palette each time: it brings the walkthrough tab back to our walkthrough
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const input = quickInput(page).locator('input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill('Get started with NCP');
  await quickInput(page).locator('.monaco-list-row', { hasText: 'Get started with NCP' }).first().waitFor({ timeout: 10_000 });
  await sleep(300);
  await page.keyboard.press('Enter');
  await step('propagate').waitFor({ timeout: 20_000 });
}

/** Selects a walkthrough step and clicks the command link in its description. */
async function clickStepButton(id: string, text: string): Promise<void> {
  await openWalkthrough();
  await step(id).click();
  const link = page.locator('.gettingStartedContainer').getByText(text, { exact: true }).first();
  await link.waitFor({ state: 'visible', timeout: 10_000 });
  await link.click();
}

before(async () => {
  if (skip) return;
  s = await startSession({
    name: 'seen',
    files: {
      'b.ncp': NET,
      'c.ncp': `${NET}\npropagate broken from other {\n  maximize nosuch.top1\n}\n`,
      'a.ncp': EXAMPLE,
      'empty.ncp': '',
      'stem.ncp': 'network y {\n  stem \n}\n',
    },
    userSettings: { 'workbench.editor.enablePreview': false },
  });
  page = s.page;
  // three .ncp files open, a.ncp the last active one
  await openFile(page, 'b.ncp');
  await openFile(page, 'c.ncp');
  await openFile(page, 'a.ncp');
});

after(async () => {
  await s?.close();
});

check("the hover's first visible line after its title is a prediction", async () => {
  await hoverText(page, 'cls_net', /±/);
  await sleep(500);
  const hover = page.locator('.monaco-hover-content:visible').filter({ hasText: '±' }).first();
  const r = await hover.evaluate((el) => {
    const box = (el.closest('.monaco-hover') ?? el).getBoundingClientRect();
    const blocks = Array.from(el.querySelectorAll('p')).filter((p) => (p.textContent ?? '').trim() !== '');
    const i = blocks.findIndex((p) => /±/.test(p.textContent ?? ''));
    const rect = i >= 0 ? blocks[i]!.getBoundingClientRect() : undefined;
    return { index: i, text: i >= 0 ? blocks[i]!.textContent : '', visible: !!rect && rect.top >= box.top && rect.bottom <= box.bottom, first: blocks[0]?.textContent ?? '' };
  });
  await shot(page, 'seen-01-hover');
  assert.match(norm(r.first), /network cls_net/);
  assert.equal(r.index, 1, `the first prediction is paragraph ${r.index}: ${r.text}`);
  assert.ok(r.visible, 'the prediction is inside the hover box without scrolling');
  assert.match(norm(r.text), /^seg mIoU \d+\.\d ± \d+\.\d · cls-50-1000 top1 \d+\.\d ± \d+\.\d \(predicted\)/);
  await page.mouse.move(5, 5);
});

check('the inlay hint shows a prediction first and is not cut at the default length', async () => {
  // the hint's padding is a hair space (U+200A) after the closing bracket
  const line = await until('the hint after cls_net', async () => (await editorLines(page)).find((l) => /^network cls_net = .*\][^\w]*seg mIoU/.test(l)));
  await shot(page, 'seen-02-hint');
  const hint = line.slice(line.indexOf(']') + 1).replace(/^[^\w]+/, '');
  assert.match(hint, /^seg mIoU \d+\.\d±\d+\.\d · 2\.72 G$/);
  assert.ok(!hint.includes('…'), hint);
});

check('walkthrough: before any run, "Show the trace" looks at the last active .ncp file and ticks nothing', async () => {
  await openWalkthrough();
  await shot(page, 'seen-03-walkthrough');
  assert.equal(await stepDone('openExample'), true, 'a .ncp file in an editor ticked "Open an example"');
  assert.equal(await stepDone('hover'), true, 'hovering a network ticked "Hover a network"');
  assert.equal(await stepDone('propagate'), false);
  assert.equal(await stepDone('trace'), false);
  await dismissNotifications();
  await clickStepButton('trace', 'Show the trace');
  await page.locator('.notification-toast', { hasText: 'no propagation has run in a.ncp yet' }).waitFor({ timeout: 15_000 });
  const texts = await notifications(page);
  assert.ok(!texts.some((t) => /open a \.ncp file/.test(t)), texts.join(' | '));
  await sleep(500);
  assert.equal(await stepDone('trace'), false, 'no trace was shown: the step stays open');
});

check('walkthrough: a run from the code lens ticks "Run a propagation"', async () => {
  await tab('a.ncp');
  await dismissNotifications();
  await page.locator('.codelens-decoration a', { hasText: 'Run propagation' }).first().click();
  await until('the result in a.ncp', async () => (await editorLines(page)).find((l) => /^network cls_net_segmentation\b/.test(l)), 120_000);
  await openWalkthrough();
  await until('"Run a propagation" ticked', () => stepDone('propagate'), 10_000);
});

check('walkthrough: "Run the propagation under the cursor" runs in the last active .ncp file; "Show the trace" opens its trace and ticks', async () => {
  await dismissNotifications();
  await clickStepButton('propagate', 'Run the propagation under the cursor');
  await page.locator('.notification-toast', { hasText: "wrote the network 'cls_net_segmentation_2'" }).waitFor({ timeout: 120_000 });
  const texts = await notifications(page);
  assert.ok(!texts.some((t) => /open a \.ncp file|nothing was written/.test(t)), texts.join(' | '));
  await shot(page, 'seen-04-walkthrough-run');
  await dismissNotifications();
  await clickStepButton('trace', 'Show the trace');
  // two runs of a.ncp: a pick, latest first
  const rows = quickInput(page).locator('.monaco-list-row');
  await until('the runs of a.ncp', async () => (await rows.count()) >= 2, 15_000);
  await shot(page, 'seen-05-walkthrough-trace-pick');
  await rows.first().click();
  await page.locator('.tab', { hasText: 'Trace:' }).first().waitFor({ timeout: 30_000 });
  await openWalkthrough();
  await until('"See the trace" ticked', () => stepDone('trace'), 10_000);
  await shot(page, 'seen-06-walkthrough-done');
});

check('a failed run is one notification, not a warning and an error', async () => {
  await tab('c.ncp');
  await dismissNotifications();
  await page.locator('.codelens-decoration a', { hasText: 'Run propagation' }).first().click();
  await page.locator('.notification-toast', { hasText: 'broken' }).first().waitFor({ timeout: 30_000 });
  await sleep(1500); // a second toast, if any, arrives meanwhile
  const about = (await notifications(page)).filter((t) => /nosuch|broken/.test(t));
  await shot(page, 'seen-07-one-notification');
  assert.equal(about.length, 1, about.join(' | '));
});

check('the budget box refuses a budget below the smallest network (0.0108 G)', async () => {
  await tab('a.ncp');
  await dismissNotifications();
  // the example's line of cls_net, as written (its comment above may grow)
  await goTo(page, EXAMPLE.split('\n').findIndex((l) => l.startsWith('network cls_net =')) + 1, 10);
  await runCommand(page, 'NCP: Fit Network into a FLOPs Budget…');
  const input = quickInput(page).locator('input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill('0.001');
  await until('the minimum in the validation message', async () => /at least 0\.01085 G/.test(norm(await quickInput(page).textContent())));
  await shot(page, 'seen-08-budget-minimum');
  await page.keyboard.press('Escape');
});

check('completion on an empty file offers each keyword once; a new line indents by 2 spaces', async () => {
  await openFile(page, 'empty.ncp');
  await goTo(page, 1, 1);
  await page.keyboard.press('Control+Space');
  const rows = page.locator('.suggest-widget.visible .monaco-list-row');
  await until('suggestions', async () => (await rows.count()) > 0, 15_000);
  await sleep(500);
  const labels = (await page.locator('.suggest-widget.visible .monaco-list-row .label-name').allTextContents()).map((t) => norm(t).trim());
  await shot(page, 'seen-09-completion-empty');
  for (const k of ['network', 'propagate', 'cell']) assert.equal(labels.filter((l) => l === k).length, 1, `${k}: ${labels.join(', ')}`);
  await page.keyboard.press('Escape');
  await page.keyboard.type('network x {');
  await page.keyboard.press('Enter');
  await page.keyboard.type('stem');
  await page.keyboard.press('Escape');
  const lines = await editorLines(page);
  assert.equal(lines[1], '  stem', lines.join('\n'));
});

check('after `stem ` completion offers the channel values of the grid, not words of other files', async () => {
  await openFile(page, 'stem.ncp');
  await goTo(page, 2, 8);
  await page.keyboard.press('Control+Space');
  await until('suggestions', async () => (await page.locator('.suggest-widget.visible .monaco-list-row').count()) > 0, 15_000);
  await sleep(500);
  const labels = (await page.locator('.suggest-widget.visible .monaco-list-row .label-name').allTextContents()).map((t) => norm(t).trim());
  await shot(page, 'seen-10-completion-stem');
  assert.deepEqual(labels.slice(0, 3), ['8', '16', '24']);
  assert.ok(!labels.some((l) => /cls_net|other|nosuch/.test(l)), labels.join(', '));
  await page.keyboard.press('Escape');
});
