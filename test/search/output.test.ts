// Pieces of the runner: reading the metrics from the end of a large output, sbatch options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJsonObject, readTail } from '../../server/src/core/search/measure/output';
import { splitArgs } from '../../server/src/core/search/measure/slurm';
import { runsDirFor } from '../../server/src/core/search/measure/folders';

test('the metrics are the last JSON object printed: one line, or pretty-printed at the end; logs after it are fine', () => {
  assert.deepEqual(lastJsonObject('log\n{"a": {"x": 1}}\n{"nb201": {"acc": 40}}\n'), { value: { nb201: { acc: 40 } } });
  assert.deepEqual(lastJsonObject('log\n{\n  "seg": {\n    "mIoU": 70\n  }\n}\n'), { value: { seg: { mIoU: 70 } } });
  assert.deepEqual(lastJsonObject('{"nb201": {"acc": 40}}\nsaving checkpoint… done\n'), { value: { nb201: { acc: 40 } } });
  assert.match((lastJsonObject('epoch 1\n{not json\n') as { error: string }).error, /no metrics JSON object on stdout \(it ended: "epoch 1\\n\{not json"\)/);
  assert.match((lastJsonObject('') as { error: string }).error, /it was empty/);
  assert.match((lastJsonObject('[1, 2]\n') as { error: string }).error, /no metrics JSON object/);
});

test('readTail reads only the end of a large file, from a line start', () => {
  const f = join(mkdtempSync(join(tmpdir(), 'ncp-tail-')), 'out');
  writeFileSync(f, 'x'.repeat(100) + '\n' + 'y'.repeat(50) + '\n{"a":{"b":1}}\n');
  assert.equal(readTail(f, 30), '{"a":{"b":1}}\n');
  assert.equal(readTail(join(f, 'missing')), '');
});

test('sbatch options split into words, quotes grouping; an unbalanced quote is an error', () => {
  assert.deepEqual(splitArgs(` --partition=gpu  --gres=gpu:1 --comment="two words" -J'a b'`), ['--partition=gpu', '--gres=gpu:1', '--comment=two words', '-Ja b']);
  assert.deepEqual(splitArgs(''), []);
  assert.throws(() => splitArgs('--comment="x'), /unbalanced quote/);
});

test('the runs folder sits beside the measurements file', () => {
  assert.equal(runsDirFor('/a/b/runs.jsonl'), '/a/b/runs');
  assert.equal(runsDirFor('/a/b/runs'), '/a/b/runs.d');
});
