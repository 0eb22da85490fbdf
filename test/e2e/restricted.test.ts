// Restricted Mode in a real VS Code: a folder opened without trusting it. The extension must be
// active (hover, hints, status bar) on its shipped predictors, and the workspace's
// ncp.predictor.modelsPath — here a folder that does not exist, which would fail the load — ignored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, editorLines, hoverText, missingPrerequisite, openFile, outputLog, predictorStatus, shot, startSession, until, type Session } from './harness';

const skip = missingPrerequisite();
if (skip) console.log(`# skipped: ${skip}`);
let s: Session;

before(async () => {
  if (skip) return;
  s = await startSession({
    name: 'restricted',
    restricted: true,
    files: {
      'example.ncp': readFileSync(join(ROOT, 'examples/propagate-to-seg.ncp'), 'utf8'),
      '.vscode/settings.json': JSON.stringify({ 'ncp.predictor.modelsPath': 'no-such-predictors', 'ncp.benchmark.path': '/dev/zero' }),
    },
  });
});

after(async () => {
  await s?.close();
});

test('Restricted Mode: the extension is active and ignores the workspace ncp.predictor.modelsPath', { skip }, async () => {
  const { page } = s;
  try {
    // the workbench says it is restricted
    await until('the Restricted Mode indicator', async () => (await page.locator('.statusbar-item[id="status.workspaceTrust"], .statusbar-item', { hasText: 'Restricted Mode' }).count()) > 0);
    await openFile(page, 'example.ncp');
    const text = await hoverText(page, 'cls_net', /±/);
    assert.match(text, /FLOPs\s*2\.723\s*G/);
    let lines: string[] = [];
    await until('an inlay hint', async () => {
      lines = await editorLines(page);
      return lines.find((l) => /network cls_net .*seg mIoU \d+\.\d±\d+\.\d · 2\.72 G/.test(l));
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${lines.join('\n')}`);
    });
    const status = await until('the shipped predictors in the status bar', async () => {
      const t = ((await predictorStatus(page).textContent()) ?? '').replace(/\u00a0/g, ' ');
      return /NCP shipped/.test(t) ? t : undefined;
    });
    assert.doesNotMatch(status, /no predictors/);
    // the status item's tooltip says the workspace value is ignored, and why
    await predictorStatus(page).hover();
    await page.locator('.monaco-hover-content:visible, .workbench-hover:visible, .hover-contents:visible', { hasText: 'Restricted Mode: workspace values of ncp.predictor.modelsPath' }).first().waitFor({ timeout: 15_000 });
    await shot(page, '08-restricted-mode');
    const log = outputLog(s.scratch);
    assert.doesNotMatch(log, /no-such-predictors/, 'the server was told about the workspace folder');
    assert.doesNotMatch(log, /dev\/zero/, 'the server read the workspace ncp.benchmark.path');
  } catch (e) {
    await shot(page, 'FAILED-restricted-mode').catch(() => undefined);
    throw e;
  }
});
