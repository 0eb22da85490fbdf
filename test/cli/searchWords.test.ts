// One word per meaning in `ncprop search` (#27): rows show the *metric* (the measured value) and,
// with λ > 0, the *objective* (metric − λ·GMACs); "← best so far" marks exactly the rows whose
// objective beats every earlier one within the budget — the resumed rows included — and the
// summary's best is a printed row's objective.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ncprop } from './cliHarness';
import { cost } from '../../server/src/core/cost';
import { parseCode } from '../../server/src/core/space/multires';

const dir = mkdtempSync(join(tmpdir(), 'ncp-search-words-'));
const train = join(dir, 'train.js');
// a metric that grows with compute, so λ·GMACs changes the ranking
writeFileSync(train, `let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => { const n = JSON.parse(s); console.log(JSON.stringify({ seg: { mIoU: 50 + n.code.reduce((a, v) => a + Math.log(v), 0) / 3 } })); });\n`);
const measure = `"${process.execPath}" "${train}"`;
const LAMBDA = 2;
const ROW = /^\s+(\d+)\s+seg\.mIoU ([\d.]+), objective ([\d.-]+)( \(over budget\))?\s+(\S+)(\s+← best so far)?$/;

function objectiveOf(metric: number, code: string): number {
  return metric - LAMBDA * cost(parseCode(code)).flops;
}

function checkRows(stdout: string, bestBefore: number | undefined): number | undefined {
  let best = bestBefore;
  const rows = stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l));
  assert.ok(rows.length > 0, stdout);
  for (const l of rows) {
    const m = ROW.exec(l);
    assert.ok(m, `row shape: ${l}`);
    const [, , metric, objective, over, code, marked] = m;
    assert.ok(Math.abs(Number(objective) - objectiveOf(Number(metric), code)) < 1e-3, `objective = metric − λ·GMACs: ${l}`);
    const isBest = !over && (best === undefined || Number(objective) > best);
    assert.equal(Boolean(marked), isBest, `marker compares objectives: ${l} (best before ${best})`);
    if (isBest) best = Number(objective);
  }
  const summary = /^best: objective ([\d.-]+) = seg\.mIoU ([\d.]+) − 2·[\d.]+ GMACs\s+(\S+)$/m.exec(stdout);
  assert.ok(summary, stdout);
  assert.ok(Math.abs(Number(summary[1]) - best!) < 1e-3, 'the summary is the best row\'s objective');
  return best;
}

test('search rows: metric and objective; best so far compares objectives, counting resumed rows', async () => {
  const out = join(dir, 'runs.jsonl');
  const a = await ncprop(['search', '--measure', measure, '--to', 'seg.mIoU', '--lambda', String(LAMBDA), '--flops-max', '3G', '--queries', '5', '--initial', '3', '--batch', '2', '--out', out, '--seed', '4'], dir);
  assert.equal(a.status, 0, a.stderr);
  const best = checkRows(a.stdout, undefined);
  const b = await ncprop(['search', '--measure', measure, '--to', 'seg.mIoU', '--lambda', String(LAMBDA), '--flops-max', '3G', '--queries', '8', '--batch', '2', '--out', out, '--resume', '--seed', '4'], dir);
  assert.equal(b.status, 0, b.stderr);
  checkRows(b.stdout, best);
  const j = await ncprop(['search', '--measure', measure, '--to', 'seg.mIoU', '--lambda', String(LAMBDA), '--flops-max', '3G', '--queries', '9', '--batch', '1', '--out', out, '--resume', '--json', '--seed', '4'], dir);
  assert.equal(j.status, 0, j.stderr);
  const lines = j.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const row = lines[0];
  assert.deepEqual(Object.keys(row).filter((k) => ['metric', 'objective', 'withinBudget', 'bestSoFar', 'string'].includes(k)).sort(), ['bestSoFar', 'metric', 'objective', 'string', 'withinBudget']);
  assert.ok(!('value' in row), 'no second word for the same thing');
  const summary = lines[lines.length - 1];
  assert.equal(summary.summary, true);
  assert.equal(summary.lambda, LAMBDA);
  assert.ok(summary.best.objective >= best! - 1e-9);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 9);
});
