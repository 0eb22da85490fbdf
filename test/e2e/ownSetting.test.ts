// A setting of one's own as a person meets it in a real VS Code (issue #25's editor step,
// code-server + chromium, test/e2e/harness.ts): a search block whose measurements file holds rows
// of `mytask` (generated here, never benchmark data). The objective is not flagged; the network's
// hover and inlay hint predict mytask through the transfer model; the status bar names it;
// the hover says under those numbers how far their spread is calibrated; appending rows to the
// file updates the status bar and the hover without touching the document;
// and a look in the four theme kinds (screenshots in test-artifacts/e2e, own-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { editorLines, hoverText, missingPrerequisite, norm, openFile, predictorStatus, shot, startSession, until, type Session } from './harness';
import { THEME_KINDS, setTheme } from './views';
import { ownRows } from '../lsp/ownSettingTransfer.fixtures';

const skip = missingPrerequisite();
if (skip) console.log(`# skipped: ${skip}`);

const { codes, text: ROWS } = ownRows(8, 11);
const DOC = `network mynet = [${codes[0].join(', ')}]

search mine {
  maximize mytask.top1
  flops <= 3 G
  measurements "runs.jsonl"
}

propagate up from mynet {
  maximize mytask.top1
  flops <= 3 G
  steps 5
}
`;

let s: Session;
let page: Page;

function check(name: string, fn: () => Promise<void>): void {
  test(name, { skip }, async () => {
    try {
      await fn();
    } catch (e) {
      if (page) await shot(page, `FAILED-own-${name.replace(/[^\w]+/g, '-').slice(0, 50)}`).catch(() => undefined);
      throw e;
    }
  });
}

/** Error and warning counts of the status bar's problems item ("No Problems", "Errors: 1, Warnings: 2"). */
async function problemCounts(): Promise<{ errors: number; warnings: number }> {
  const label = (await page.locator('.statusbar-item[id="status.problems"]').first().getAttribute('aria-label')) ?? '';
  const n = (re: RegExp) => Number(re.exec(label)?.[1] ?? 0);
  return { errors: n(/Errors?:\s*(\d+)/i), warnings: n(/Warnings?:\s*(\d+)/i) };
}

/** The class VS Code gives its workbench in each theme kind. */
const WORKBENCH_CLASS: Record<string, string> = { light: 'vs', dark: 'vs-dark', 'hc-dark': 'hc-black', 'hc-light': 'hc-light' };

const statusText = async () => norm((await predictorStatus(page).textContent()) ?? '');

before(async () => {
  if (skip) return;
  s = await startSession({ name: 'own', files: { 'runs.jsonl': ROWS, 'mine.ncp': DOC }, userSettings: { 'workbench.editor.enablePreview': false } });
  page = s.page;
  await openFile(page, 'mine.ncp');
});

after(async () => {
  await s?.close();
});

check('the status bar names the transfer model of the setting of one\'s own, and nothing is flagged', async () => {
  const text = await until('the transfer model in the status bar', async () => {
    const t = await statusText();
    return /\+ mytask \(transfer, 8 rows\)/.test(t) ? t : undefined;
  }, 120_000);
  assert.match(text, /NCP .*\+ mytask \(transfer, 8 rows\)/);
  await until('no squiggle', async () => (await page.locator('.squiggly-error, .squiggly-warning').count()) === 0, 10_000);
  assert.deepEqual(await problemCounts(), { errors: 0, warnings: 0 });
  await shot(page, 'own-01-status');
});

check('the hover and the inlay hint predict mytask through the transfer model', async () => {
  const hover = await hoverText(page, 'mynet', /mytask top1 -?[\d.]+ ± [\d.]+/);
  assert.match(hover, /mytask: transfer model on 8 rows of runs\.jsonl/, hover);
  assert.match(hover, /uncalibrated/, hover);
  // the line that says how far to trust the spread sits right under the numbers, inside the box
  const box = page.locator('.monaco-hover-content:visible').filter({ hasText: 'transfer model on' }).first();
  const r = await box.evaluate((el) => {
    const outer = (el.closest('.monaco-hover') ?? el).getBoundingClientRect();
    const blocks = Array.from(el.querySelectorAll('p')).filter((p) => (p.textContent ?? '').trim() !== '');
    const i = blocks.findIndex((p) => /transfer model on/.test(p.textContent ?? ''));
    const rect = i >= 0 ? blocks[i]!.getBoundingClientRect() : undefined;
    return { index: i, visible: !!rect && rect.top >= outer.top && rect.bottom <= outer.bottom, prev: i > 0 ? blocks[i - 1]!.textContent ?? '' : '' };
  });
  assert.ok(r.visible, 'the transfer model line is inside the hover box without scrolling');
  assert.match(norm(r.prev), /^mytask top1 -?[\d.]+ ± [\d.]+/, 'it follows the predictions');
  await shot(page, 'own-02-hover');
  await page.mouse.move(5, 5);
  const line = await until('the hint after mynet', async () => (await editorLines(page)).find((l) => /^network mynet = .*\][^\w-]*mytask top1 -?[\d.]+±[\d.]+/.test(l)));
  assert.ok(!line.includes('…'), line);
});

check('rows appended to the measurements file reach the status bar and the hover, the document untouched', async () => {
  const t0 = Date.now();
  appendFileSync(join(s.workspace, 'runs.jsonl'), ownRows(5, 12).text);
  await until('13 rows in the status bar', async () => /\+ mytask \(transfer, 13 rows\)/.test(await statusText()), 30_000, 100);
  console.log(`# status bar updated ${Date.now() - t0} ms after 5 rows were appended to 8`);
  const hover = await hoverText(page, 'mynet', /mytask: transfer model on 13 rows/, 30_000);
  assert.match(hover, /spread calibrated on the rows/, hover);
  await page.mouse.move(5, 5);
  assert.ok(!(await page.locator('.tab.dirty').count()), 'the document was not edited');
});

check('the hover and the status bar in the four theme kinds', async () => {
  for (const [kind, t] of Object.entries(THEME_KINDS)) {
    await setTheme(page, t.theme);
    await until(`the ${kind} theme`, async () => ((await page.locator('.monaco-workbench').first().getAttribute('class')) ?? '').split(/\s+/).includes(WORKBENCH_CLASS[kind]), 15_000);
    await hoverText(page, 'mynet', /mytask top1/);
    await shot(page, `own-03-${kind}`);
    // the status bar item is readable: its text is drawn in a colour apart from the bar's background
    const colours = await predictorStatus(page).evaluate((el) => {
      const bar = el.closest('.part.statusbar') ?? el;
      return { fg: getComputedStyle(el.querySelector('a') ?? el).color, bg: getComputedStyle(bar).backgroundColor };
    });
    assert.notEqual(colours.fg, colours.bg, `${kind}: ${JSON.stringify(colours)}`);
    await page.mouse.move(5, 5);
  }
});
