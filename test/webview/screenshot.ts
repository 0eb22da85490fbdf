// Writes media/trace.png for the README: the trace view of a real propagation, light and dark
// themes side by side. Run after a build: node --import tsx test/webview/screenshot.ts
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumMissing, launch, openView, ROOT, type ThemeName } from './browser';
import { realTrace } from './realTrace';
import { allSteps } from '../../webview/src/trace/exportTrace';

async function main(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const t = await realTrace();
  if ('skip' in t) throw new Error(t.skip);
  const browser = await launch();
  try {
    const shots: string[] = [];
    for (const theme of ['light', 'dark'] as ThemeName[]) {
      const v = await openView(browser, theme, { width: 920, height: 1200 });
      await v.post({ type: 'trace', name: 'seg_small', budget: { flopsMax: 1.2 }, result: t.result });
      await v.page.waitForSelector('svg.chart');
      // Hover a mid-run point so the picture shows the hover card.
      // Indices run over every run's steps; the best run's start after the runs before it.
      const off = allSteps(t.result).findIndex((x) => x.restart === t.result.bestRestart);
      const pt = v.page.locator(`svg.chart .objective.run.best circle.pt[data-index="${off + Math.floor(t.result.trace.length / 2)}"]`);
      const b = (await pt.boundingBox())!;
      await v.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      await v.page.locator('.tip').waitFor({ state: 'visible' });
      // Header, chart and the first rows of the table.
      const rows = v.page.locator('table.steps tbody tr');
      const last = (await rows.nth(Math.min(7, (await rows.count()) - 1)).boundingBox())!;
      const png = await v.page.screenshot({ clip: { x: 0, y: 0, width: 920, height: Math.ceil(last.y + last.height + 1) } });
      const problems = await v.problems();
      if (problems.length) throw new Error(problems.join('; '));
      shots.push(png.toString('base64'));
      await v.page.close();
    }
    // Side by side, composed by the browser itself (no image library needed).
    const height = Math.max(...shots.map((s) => Buffer.from(s, 'base64').readUInt32BE(20))); // PNG IHDR height
    const page = await browser.newPage({ viewport: { width: 1840, height }, deviceScaleFactor: 1 });
    await page.setContent(
      `<html><body style="margin:0;display:flex;background:#888">${shots.map((s) => `<img style="display:block;width:920px" src="data:image/png;base64,${s}">`).join('')}</body></html>`,
    );
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    const out = join(ROOT, 'media', 'trace.png');
    writeFileSync(out, await page.locator('body').screenshot());
    console.log(`${out}: ${(statSync(out).size / 1024).toFixed(0)} KB (trace from ${t.predictors} predictors)`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
