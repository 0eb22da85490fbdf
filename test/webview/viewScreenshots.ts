// Writes the README's pictures of the views: media/code-trace.png (light), media/explorer.png
// (dark), media/compare-hc.png (high contrast) and media/nb201-trace.png (light), from recorded
// traces and a benchmark file generated at run time (via the real language server).
// Run after a build: node --import tsx test/webview/viewScreenshots.ts
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumMissing, launch, openView, ROOT } from './browser';
import { BUDGET, cellTrace, multiresTrace } from './traces';
import { documentText, generateBenchmark } from './viewFixtures';
import { startClient } from '../lsp/harness';

async function main(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const wta = await multiresTrace();
  const cells = await cellTrace(3, 8);
  const bench = generateBenchmark(400, 5);
  const client = await startClient({ settings: { ncp: { benchmark: { path: bench.path } } } });
  const uri = 'file:///tmp/readme.ncp';
  await client.open(uri, documentText(bench));
  const best = wta.runTraces![wta.bestRestart];
  const explorer = await client.request('ncp/benchmarkExplorer', { uri, path: { label: 'seg_small', codes: best.map((s) => s.rounded), steps: best.map((s) => s.step) } });
  const compare = await client.request('ncp/compare', { uri });
  await client.stop();
  const browser = await launch();
  const out = (name: string, png: Buffer) => {
    const p = join(ROOT, 'media', name);
    writeFileSync(p, png);
    console.log(`${p}: ${(statSync(p).size / 1024).toFixed(0)} KB`);
  };
  try {
    let v = await openView(browser, 'light', { width: 1000, height: 1000 });
    await v.post({ type: 'trace', result: wta, name: 'seg_small', budget: BUDGET });
    await v.page.waitForSelector('svg.code-trace');
    const a = (await v.page.locator('.run-box > .actions').boundingBox())!;
    const strip = (await v.page.locator('.strip-box').boundingBox())!;
    out('code-trace.png', await v.page.screenshot({ clip: { x: 0, y: a.y - 8, width: 1000, height: strip.y + strip.height - a.y + 16 }, fullPage: true }));
    await v.page.close();

    v = await openView(browser, 'light', { width: 1000, height: 800 });
    await v.post({ type: 'trace', result: cells, name: 'cell_search' });
    await v.page.waitForSelector('svg.edge-grid');
    out('nb201-trace.png', await v.page.locator('.code-box').screenshot());
    await v.page.close();

    v = await openView(browser, 'dark', { width: 1000, height: 1000 }, undefined, 'explorer');
    await v.post({ type: 'explorer', data: explorer });
    await v.page.waitForSelector('svg.scatter path.pt', { state: 'attached' });
    const h = (await v.page.locator('.chart-box').first().boundingBox())!;
    out('explorer.png', await v.page.screenshot({ clip: { x: 0, y: 0, width: 1000, height: h.y + h.height + 8 } }));
    await v.page.close();

    v = await openView(browser, 'high-contrast', { width: 1000, height: 400 }, undefined, 'compare');
    await v.post({ type: 'compare', data: compare });
    await v.page.waitForSelector('table.compare tbody tr');
    out('compare-hc.png', await v.page.screenshot());
    const problems = await v.problems();
    if (problems.length) throw new Error(problems.join('; '));
    await v.page.close();
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
