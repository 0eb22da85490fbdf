// The server's transfer models of settings of one's own (features/predictors/transferModels.ts),
// in process with the worker run from source: a fit made stale by newer rows is dropped, the
// model rebuilt from the worker's JSON predicts what a fit here predicts, too few rows say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_OWN_SETTINGS, TransferModels } from '../../server/src/features/predictors/transferModels';
import type { TransferStatus } from '../../server/src/features/predictors/documentPredictorsProtocol';
import { loadPredictorSet } from '../../server/src/core/predict/store';
import { fitTransfer, sourcesFor } from '../../server/src/core/predict/transfer';
import { ownRows, readMeasurementsText } from './ownSettingTransfer.fixtures';
import { declareSetting } from '../../server/src/core/settings';

const info = declareSetting('mytask', { space: 'multires', metrics: ['top1', 'top5'] });

test('stale fits are dropped; the rebuilt model predicts as a direct fit; too few rows are said', async () => {
  const set = await loadPredictorSet(undefined, { backend: 'cpu' });
  const logs: string[] = [];
  const changes: TransferStatus[][] = [];
  const models = new TransferModels({ modelsDir: () => undefined, sourceSet: async () => set, log: (m) => logs.push(m), onChange: (p) => changes.push(models.status(p)) });
  try {
    const first = readMeasurementsText(ownRows(30, 1).text);
    const second = readMeasurementsText(ownRows(40, 2).text);
    models.update({ path: '/x/runs.jsonl', file: 'runs.jsonl', measurements: first, settings: [info] });
    models.update({ path: '/x/runs.jsonl', file: 'runs.jsonl', measurements: second, settings: [info] });
    const t0 = Date.now();
    while (models.status('/x/runs.jsonl')[0]?.state !== 'ready' && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    const st = models.status('/x/runs.jsonl')[0];
    assert.equal(st.state, 'ready', JSON.stringify(st));
    assert.equal(st.rows, 40);
    // the 30-row fit never became the model
    assert.ok(!changes.some((c) => c[0]?.state === 'ready' && c[0].rows === 30), JSON.stringify(changes));
    assert.ok(!logs.some((l) => /30 rows, fitted/.test(l)), logs.join('\n'));
    assert.deepEqual(st.calibration?.map((c) => c.calibrated), [true, true]);

    // the same fit made here (same rows, sources and seed) predicts the same
    const prior = set.settings.flatMap((s) => {
      const p = set.ensemble(s);
      return p ? [{ setting: s, predictor: p }] : [];
    });
    const inputs = second.map((m) => [...m.point]);
    const direct = fitTransfer({ setting: 'mytask', metrics: ['top1', 'top5'], inputs, targets: second.map((m) => [m.metrics!.mytask.top1, m.metrics!.mytask.top5]), sources: sourcesFor('mytask', 27, prior), seed: 1 });
    const probe = ownRows(5, 9).codes;
    const got = models.predict('/x/runs.jsonl', 'mytask', probe);
    const want = direct.predictBatch(probe);
    probe.forEach((_, i) => {
      for (let k = 0; k < 2; k++) {
        assert.ok(Math.abs(got[i]![k].mean - want[i][k].mean) < 1e-6, `${got[i]![k].mean} vs ${want[i][k].mean}`);
        assert.ok(Math.abs(got[i]![k].std - want[i][k].std) < 1e-6);
      }
    });
    // its gradient reads the real sources (propagation)
    const g = models.predictor('/x/runs.jsonl', 'mytask')!.valueAndGrad(probe[0], 0);
    assert.ok(g.grad.some((v) => v !== 0) && g.grad.every(Number.isFinite));

    // two rows: no model, and why
    models.update({ path: '/x/few.jsonl', file: 'few.jsonl', measurements: readMeasurementsText(ownRows(2, 3).text), settings: [info] });
    const few = models.status('/x/few.jsonl')[0];
    assert.equal(few.state, 'too-few');
    assert.match(few.message ?? '', /2 measured network\(s\) of mytask .*at least 3/);
    assert.deepEqual(models.predict('/x/few.jsonl', 'mytask', probe), probe.map(() => undefined));

    // a file measuring more settings of one's own than the limit: the others are said, not fitted
    const many = Array.from({ length: MAX_OWN_SETTINGS + 1 }, (_, k) => declareSetting(`task${k}`, { space: 'multires', metrics: ['acc'] }));
    const rows = readMeasurementsText(ownRows(3, 4).text.replace(/"metrics":\{"mytask":\{"top1":([^,]+),"top5":[^}]+\}\}/g, (_m, v) => `"metrics":{${many.map((t) => `"${t.name}":{"acc":${v}}`).join(',')}}`));
    models.update({ path: '/x/many.jsonl', file: 'many.jsonl', measurements: rows, settings: many });
    const st2 = models.status('/x/many.jsonl');
    assert.equal(st2.filter((x) => x.state === 'fitting').length, MAX_OWN_SETTINGS);
    assert.match(st2[MAX_OWN_SETTINGS].message ?? '', new RegExp(`more than ${MAX_OWN_SETTINGS} settings of your own`));
  } finally {
    models.dispose();
  }
});
