// The status bar's words for a document's settings of one's own (client/src/predictors/transferLabel.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDocumentModels, transferLabel } from '../../client/src/predictors/transferLabel';
import type { TransferStatus } from '../../server/src/features/predictors/documentPredictorsProtocol';

const ready: TransferStatus = {
  setting: 'mytask',
  path: '/home/me/runs.jsonl',
  file: 'runs.jsonl',
  rows: 23,
  state: 'ready',
  sources: ['seg', 'video'],
  calibration: [{ scale: 1.2, calibrated: true, coverage1: 0.72, coverage2: 0.95, rows: 23 }],
};

test('the status bar names each setting of one\'s own, its model and rows; the tooltip the file', () => {
  const l = transferLabel([ready, { ...ready, setting: 'det', rows: 4, state: 'ready', calibration: [{ scale: 1, calibrated: false, coverage1: 1, coverage2: 1, rows: 4 }] }]);
  assert.equal(l.text, ' + mytask (transfer, 23 rows) + det (transfer, 4 rows)');
  assert.equal(l.tooltip[0], 'mytask: 23 measured in /home/me/runs.jsonl — transfer model from seg, video, spread calibrated (±1 covers 72%)');
  assert.match(l.tooltip[1], /det: 4 measured in \/home\/me\/runs\.jsonl — .*spread uncalibrated/);
  assert.deepEqual(transferLabel([]), { text: '', tooltip: [] });
  assert.equal(transferLabel([{ ...ready, state: 'too-few', rows: 1, message: '1 measured network(s)' }]).text, ' + mytask (too few rows, 1 row)');
});

test('only well-formed server messages are taken', () => {
  assert.ok(isDocumentModels({ uri: 'file:///a.ncp', models: [ready] }));
  assert.ok(!isDocumentModels({ uri: 'file:///a.ncp', models: [{ setting: 3 }] }));
  assert.ok(!isDocumentModels(null));
});
