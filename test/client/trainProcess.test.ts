// "Train Predictors" runs the bundled CLI as a child process (client/src/predictors/trainProcess.ts): real
// `dist/cli.js train` on a small generated benchmark file (values a smooth function of the code,
// not benchmark data), progress parsed from its stderr, Cancel kills it, failures say why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProgressLine, startTraining } from '../../client/src/predictors/trainProcess';
import { generatedBenchmark } from './generatedBenchmark';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
let dir: string;
let data: string;

before(() => {
  if (!existsSync(cli)) {
    const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  dir = mkdtempSync(join(tmpdir(), 'ncp-train-'));
  data = join(dir, 'bench.json');
  writeFileSync(data, generatedBenchmark());
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('progress lines of `ncprop train` read as a percentage and a message', () => {
  const p = parseProgressLine('\r\x1b[2K██████░░░░░░░░░░░░░░░░░░  25%  seg (1/2) epoch 3/6  loss 0.1234  val MAE 1.234  left 3s');
  assert.deepEqual(p, { percent: 25, message: 'seg (1/2) epoch 3/6 loss 0.1234 val MAE 1.234 left 3s' });
  const t = parseProgressLine('teacher ████░░  40%  Gaussian processes for seg  step 2/5  left 1s');
  assert.equal(t?.percent, 40);
  assert.match(t!.message, /^teacher: /);
  assert.equal(parseProgressLine('ncprop train: 1 setting(s) from bench.json'), undefined);
});

test('a training run reports progress and writes a predictor set the server can load', async () => {
  const out = join(dir, 'models');
  const seen: number[] = [];
  const run = startTraining({ cli, data, out, extra: ['--epochs', '4', '--members', '1', '--teacher', '0'], onProgress: (p) => seen.push(p.percent) });
  const r = await run.done;
  assert.deepEqual(r, { ok: true, out });
  assert.ok(seen.length > 0, 'no progress reported');
  assert.equal(seen.at(-1), 100);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { settings: Record<string, unknown> };
  assert.deepEqual(Object.keys(manifest.settings), ['seg']);
});

test('cancel kills the process and leaves no predictor set behind', async () => {
  const out = join(dir, 'cancelled');
  let cancelled = false;
  const run = startTraining({
    cli,
    data,
    out,
    extra: ['--epochs', '10000', '--members', '1', '--teacher', '0'],
    onProgress: () => {
      if (!cancelled) {
        cancelled = true;
        run.cancel();
      }
    },
  });
  const started = Date.now();
  const r = await run.done;
  assert.deepEqual(r, { ok: false, cancelled: true, message: 'cancelled' });
  assert.ok(Date.now() - started < 30_000);
  assert.equal(existsSync(join(out, 'manifest.json')), false);
});

test('a bad data file fails with the CLI\'s reason, not a bare exit code', async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"archs": 3}');
  const r = await startTraining({ cli, data: bad, out: join(dir, 'never') }).done;
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.cancelled, false);
    assert.match(r.message, /bad\.json|archs|settings/);
  }
});
