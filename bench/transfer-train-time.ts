// Time of fitting a transfer predictor, as `ncprop train --prior` does (trainTransferSettings),
// with the shipped model folder as the prior: a setting of one's own made of the first N
// networks of nasbench-mr.json with their seg.mIoU (N = 100 and 1,000 by default), one process,
// wall and CPU seconds of the fit and of the first 1,000 predictions of the fitted model.
// Usage: node --import tsx bench/transfer-train-time.ts [--rows 100,1000] [--prior server/src/models]
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTrainingData } from '../server/src/core/predict/dataset';
import { loadPredictorSet } from '../server/src/core/predict/store';
import { initBackend } from '../server/src/core/predict/backend';
import { trainTransferSettings } from '../server/src/core/predict/transfer';
import { findDataDir } from '../server/src/core/benchmark';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100,1000' }, prior: { type: 'string', default: 'server/src/models' } } });

async function main(): Promise<void> {
  const dir = findDataDir();
  if (!dir || !existsSync(join(dir, 'nasbench-mr.json'))) return console.log('bench/transfer-train-time: skipped — nasbench-mr.json not found (set NCP_DATA_DIR)');
  await initBackend('auto');
  const data = loadTrainingData(join(dir, 'nasbench-mr.json'));
  const seg = data.settings.find((s) => s.setting === 'seg')!;
  const set = await loadPredictorSet(resolve(values.prior));
  const prior = set.settings.flatMap((s) => {
    const p = set.ensemble(s);
    return p ? [{ setting: s, predictor: p }] : [];
  });
  for (const n of values.rows.split(',').map(Number)) {
    const mine = { ...seg, setting: 'mine', metrics: ['mIoU'], inputs: seg.inputs.slice(0, n), targets: seg.targets.slice(0, n).map((t) => [t[0]]) };
    const c0 = process.cpuUsage();
    const t0 = Date.now();
    const [trained] = trainTransferSettings([mine], prior, { seed: 1 });
    const fit = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const t1 = Date.now();
    trained.predictor.predictBatch(seg.inputs.slice(0, 1000));
    const pred = (Date.now() - t1) / 1000;
    const h = trained.predictor.model.models[0].hyper;
    console.log(`${String(n).padStart(5)} rows (${trained.sources.length} sources): fit ${fit.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU; 1,000 predictions ${pred.toFixed(2)} s; chose ${JSON.stringify(h)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
