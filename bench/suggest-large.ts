// `suggest` on a large measurements file (issue 25: the NAS-Bench-201 file ran 14 minutes without
// output): the step the CLI runs (suggestNext), in process, on every NAS-Bench-201 cell but 625
// (so there is something to suggest) and on all 15,625, warm (shipped predictors as the prior) and
// cold. Goal: under 2 s. Prints the seconds and the suggestions' predicted values.
// Usage: node --import tsx bench/suggest-large.ts
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { findDataDir } from '../server/src/core/benchmark';
import { loadDataSources } from '../server/src/core/data';
import { measurementsFromData } from '../server/src/core/search/fromData';
import { suggestNext } from '../server/src/core/search/suggest';
import { priorFromSet } from '../server/src/core/search/prior';
import { loadPredictorSet } from '../server/src/core/predict/store';

async function main(): Promise<void> {
  const dir = findDataDir();
  if (!dir || !existsSync(join(dir, 'nasbench201.json'))) return console.log('bench/suggest-large: skipped — nasbench201.json not found');
  let t = Date.now();
  const all = measurementsFromData(loadDataSources([join(dir, 'nasbench201.json')]), 'nb201');
  console.log(`read ${all.length} cells in ${((Date.now() - t) / 1000).toFixed(2)} s (not counted below)`);
  const prior = priorFromSet(await loadPredictorSet());
  const objective = [{ weight: 1, setting: 'nb201', metric: 'acc' }];
  const best = Math.max(...all.map((m) => m.metrics!.nb201.acc));
  for (const [label, ms] of [['15,000 cells', all.slice(0, 15000)], ['all 15,625 cells', all]] as const) {
    for (const warm of [true, false]) {
      t = Date.now();
      const c0 = process.cpuUsage();
      const r = await suggestNext({ space: 'nb201', measurements: ms, objective, count: 3, prior: warm ? prior : undefined });
      const secs = (Date.now() - t) / 1000;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6;
      const preds = r.suggestions.map((s) => `${s.predicted!.toFixed(2)} ± ${s.spread!.toFixed(2)}`).join(', ');
      console.log(`${label}, ${warm ? 'warm' : 'cold'}: ${secs.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (goal < 2 s); ${r.suggestions.length} suggestion(s) ${preds} (best measured ${best})`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
