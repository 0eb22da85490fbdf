// examples/train_measure.py end to end: the network JSON a search writes on stdin → `ncprop export`
// (run through tsx) → the exported module trained one short epoch on a tiny image folder made
// here → the metrics line on stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON, torchUnavailable } from '../../../scripts/torchCount';
import { networkJson } from '../../../server/src/core/search/measure/network';

const root = join(__dirname, '..', '..', '..');
const SMALL = [16, 16, 1, 1, 16, 1, 1, 1, 16, 32, 1, 1, 1, 1, 16, 32, 64, 1, 1, 1, 1, 1, 16, 32, 64, 128, 64];

test('examples/train_measure.py: reads the network JSON, builds the exported module, trains, prints the metrics line', async (t) => {
  let why = torchUnavailable();
  if (why === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import numpy, PIL'], { encoding: 'utf8' });
    if (r.status !== 0) why = `numpy and Pillow are not importable by ${PYTHON} (install Debian's python3-numpy and python3-pil)`;
  }
  if (why !== undefined) {
    if (process.env.CI === 'true') throw new Error(`${why} (CI=true: PyTorch is required)`);
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ncp-train-measure-'));
  try {
    // a tiny image folder: 2 classes × 3 images per split, written by Pillow
    const make = spawnSync(PYTHON, ['-c', `
import os, sys
from PIL import Image
root = sys.argv[1]
for split in ('train', 'val'):
    for c, color in (('red', (200, 30, 30)), ('blue', (30, 30, 200))):
        os.makedirs(os.path.join(root, split, c), exist_ok=True)
        for i in range(3):
            Image.new('RGB', (40, 30), tuple(v + 10 * i for v in color)).save(os.path.join(root, split, c, '%d.png' % i))
`, join(dir, 'data')], { encoding: 'utf8' });
    assert.equal(make.status, 0, make.stderr);
    const entry = join(dir, 'ncprop.js');
    writeFileSync(entry, `require(${JSON.stringify(join(root, 'server/src/cli/ncp.ts'))}).runCli();\n`);
    mkdirSync(join(dir, 'work'));
    const input = networkJson('multires', SMALL, undefined, { input: [32, 32] }) + '\n';
    const r = spawnSync(
      PYTHON,
      [join(root, 'examples/train_measure.py'), '--data', join(dir, 'data'), '--epochs', '1', '--batch-size', '4', '--setting', 'toy', '--ncprop', `${process.execPath} --import tsx ${entry}`],
      { input, encoding: 'utf8', cwd: root, timeout: 300_000 },
    );
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    const last = r.stdout.trim().split('\n').pop()!;
    const metrics = JSON.parse(last) as { toy: { top1: number; top5: number } };
    assert.ok(metrics.toy.top1 >= 0 && metrics.toy.top1 <= 100 && metrics.toy.top5 === 100, last);
    assert.match(r.stderr, /network 16_16-1_1_1_16-.*: \d+ parameters, [\d.]+ G multiply-accumulates at 32x32/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
