// The CLI contract (docs/cli.md), through the built CLI (`node bin/ncp.js`, which runs dist/cli.js) as a user runs it:
// every command's documented flags are the ones its parser takes, and the shared rules hold —
// one flag name (deprecated aliases warn), did-you-mean for options, commands, settings, metrics
// and tasks, units on budgets, JSON Lines with {mean, std} and rounded estimates, --csv tables,
// empty stdin, exit codes 0/1/2, training-set scores said so, extrapolation flagged on stdout,
// `ncprop fmt`, the version from package.json. Data and models are generated here (small, seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DET3D, writeGeneratedBenchmark } from './generatedBenchmark';
import { fmtTime } from '../../server/src/core/predict/progress';
import { main } from '../../server/src/cli/ncp';
import { PassThrough } from 'node:stream';
import { indexToCell, NB201_SIZE } from '../../server/src/core/space/nb201';

const root = join(__dirname, '..', '..');
const cli = join(root, 'bin', 'ncp.js'); // runs dist/cli.js
const dir = mkdtempSync(join(tmpdir(), 'ncp-contract-'));
const dataDir = join(dir, 'data');
const mr = join(dataDir, 'nasbench-mr.json');
const nb = join(dataDir, 'nasbench201.json');
const models = join(dir, 'models');
const full = join(dir, 'models-full');
const CODE = '32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128';
const WIDE = CODE.replace(/-128$/, '-136'); // head channels outside the benchmark's range
const SEG = { name: 'seg', metrics: ['mIoU', 'mAcc', 'aAcc'] };

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function ncp(args: string[], input = '', env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, NCP_MODELS_DIR: '', NCP_DATA_DIR: dataDir, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI's dispatcher in this process (for checks that stop at option parsing). */
async function inProcess(args: string[]): Promise<Run> {
  const collect = () => {
    const s = new PassThrough();
    let text = '';
    s.on('data', (c) => (text += c));
    return { s, text: () => text };
  };
  const out = collect();
  const err = collect();
  const stdin = new PassThrough();
  stdin.end('');
  const status = await main(args, { stdin, stdout: out.s, stderr: err.s, cwd: dir, stderrIsTTY: false });
  return { status, stdout: out.text(), stderr: err.text() };
}

/** Every stdout line is one JSON object (JSON Lines), and nothing else is on stdout. */
function jsonLines(r: Run): Record<string, unknown>[] {
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  return lines.map((l) => {
    const v = JSON.parse(l) as unknown;
    assert.ok(v && typeof v === 'object' && !Array.isArray(v), `not a JSON object line: ${l}`);
    return v as Record<string, unknown>;
  });
}

/** Every non-integer number in `v` has at most 4 decimals. */
function assertRounded(v: unknown, where = 'value'): void {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) assert.ok(Math.abs(v * 1e4 - Math.round(v * 1e4)) < 1e-6, `${where} = ${v} is not rounded to 4 decimals`);
  } else if (Array.isArray(v)) v.forEach((x, i) => assertRounded(x, `${where}[${i}]`));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) assertRounded(x, `${where}.${k}`);
}

function isEstimate(v: unknown): boolean {
  return !!v && typeof v === 'object' && Object.keys(v).join() === 'mean,std' && Object.values(v).every((x) => typeof x === 'number');
}

/** The documented flags of each command (its --help), each with a value when it takes one. */
const FLAGS: Record<string, Record<string, string | null>> = {
  flops: { '--json': null, '--csv': null, '--breakdown': null, '--input': '64x64', '--head': 'seg', '--classes': '10' },
  check: { '--json': null, '--model': models },
  fmt: { '--check': null },
  lsp: { '--stdio': null, '--node-ipc': null },
  train: { '--data': mr, '--out': models, '--settings': 'seg', '--epochs': '1', '--members': '1', '--teacher': '0', '--seed': '1', '--set': 'dropout=0.1', '--recipe': 'ncp', '--holdout': '0.2', '--split-seed': '1', '--merge': null, '--version': 'v', '--backend': 'cpu', '--max-memory': '4000', '--max-time': '600', '--new-settings': 'mine', '--prior': 'none' },
  eval: { '--data': mr, '--model': models, '--holdout': '0.2', '--split-seed': '1', '--recipe': 'ncp', '--epochs': '1', '--members': '1', '--teacher': '0', '--seed': '1', '--set': 'dropout=0.1', '--settings': 'seg', '--json': null, '--csv': null, '--backend': 'cpu', '--new-settings': 'mine' },
  predict: { '--json': null, '--csv': null, '--setting': 'seg', '--model': models, '--backend': 'cpu', '--data': mr, '--new-settings': 'mine' },
  import: { '--out': join(dir, 'imported.json'), '--name': 'n' },
  propagate: { '--name': 'p', '--json': null, '--from': CODE, '--to': 'seg', '--flops-max': '2.5G', '--params-max': '3M', '--lambda': '0.5', '--strategy': 'continuous', '--steps': '3', '--lr': '0.05', '--restarts': '1', '--seed': '0', '--model': models, '--max-memory': '4000', '--max-time': '600', '--input': '64x64', '--head': 'seg', '--classes': '10' },
  search: { '--data': nb, '--measure': 'true', '--timeout': '10', '--queries': '5', '--initial': '2', '--batch': '2', '--to': 'nb201', '--objective': 'nb201', '--flops-max': '2.5G', '--params-max': '3M', '--lambda': '0.5', '--kappa': '2', '--seed': '0', '--out': join(dir, 'walk.jsonl'), '--resume': null, '--json': null, '--jobs': '2', '--gpus': '0,1', '--retries': '1', '--retry-delay': '1', '--broken-after': '3', '--retry-failed': null, '--backend': 'local', '--slurm': null, '--slurm-args': 'debug', '--pending': 'liar', '--cost-alpha': '1', '--cost-share': '0.3', '--prior': 'none', '--input': '64x64', '--head': 'seg', '--classes': '10', '--new-settings': 'mine' },
  suggest: { '--data': nb, '--count': '2', '--to': 'nb201', '--objective': 'nb201', '--flops-max': '2.5G', '--params-max': '3M', '--lambda': '0.5', '--kappa': '2', '--seed': '0', '--json': null, '--prior': 'none', '--input': '64x64', '--head': 'seg', '--classes': '10', '--new-settings': 'mine' },
  export: { '--format': 'onnx', '--out': join(dir, 'net.onnx'), '--input': '64x64', '--head': 'seg', '--classes': '10' },
  latency: { '--threads': '1', '--runs': '2', '--warmup': '0', '--json': null, '--input': '64x64', '--head': 'seg', '--classes': '10' },
  run: { '--write': null, '--json': null, '--model': models, '--max-memory': '4000', '--max-time': '600' },
  nb201: { '--data': nb, '--train-samples': '20', '--seed': '0', '--starts': '1', '--restarts': '1', '--strategy': 'continuous', '--steps': '3', '--json': null, '--max-memory': '4000', '--max-time': '600' },
};

test.before(() => {
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  mkdirSync(dataDir, { recursive: true });
  writeGeneratedBenchmark(mr, [SEG, DET3D], 120, 11);
  // every NAS-Bench-201 cell with a generated accuracy (smooth in the ops, no benchmark data)
  const archs = Array.from({ length: NB201_SIZE }, (_, i) => {
    const ops = indexToCell(i);
    return { ops, acc: Math.round((50 + ops.reduce((a, o, e) => a + (o >= 3 ? 3 + e * 0.5 : o === 2 ? 1 : 0), 0)) * 100) / 100, flops: 10, params: 0.1 };
  });
  writeFileSync(nb, JSON.stringify({ ops: ['avg_pool_3x3', 'none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3'], archs }));
  const t = ncp(['train', '--data', mr, '--out', models, '--settings', 'seg,detection', '--epochs', '2', '--members', '2', '--teacher', '0', '--holdout', '0.25', '--split-seed', '3', '--seed', '1', '--set', 'dropout=0.1', '--recipe', 'ncp', '--version', 't1', '--backend', 'cpu', '--prior', 'none']);
  assert.equal(t.status, 0, t.stderr);
  const f = ncp(['train', '--out', full, '--settings', '3ddet', '--epochs', '1', '--members', '1', '--teacher', '0', '--prior', 'none']);
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stderr, /no --data: reading .*nasbench-mr\.json \(NCP_DATA_DIR\)/);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the documented flags are exactly what each command parses', async () => {
  const list = ncp(['--help']);
  assert.equal(list.status, 0);
  for (const [command, flags] of Object.entries(FLAGS)) {
    assert.match(list.stdout, new RegExp(`^  ${command} `, 'm'), `${command} is listed in ncp --help`);
    const help = ncp([command, '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, new RegExp(`Usage: ncprop ${command}`));
    // every flag the help names is in the table above, and the other way round
    // quoted text is an argument's value (e.g. sbatch's own options in --slurm-args), not our flag
    const documented = new Set([...help.stdout.replace(/'[^'\n]*'/g, "''").matchAll(/(?<![\w-])--[a-z][\w-]*/g)].map((m) => m[0]).filter((f) => f !== '--help' && !f.startsWith('--socket')));
    for (const f of Object.keys(flags)) assert.ok(documented.has(f), `ncprop ${command} --help documents ${f}`);
    for (const f of documented) {
      if (['--models', '--benchmark'].includes(f)) continue; // documented as deprecated aliases
      if (command === 'propagate' && f === '--to' ) continue;
      assert.ok(f in flags || (command === 'eval' && f in FLAGS.train), `ncprop ${command}: ${f} is in the help but not in this test`);
    }
    // the parser takes each one: an unknown option after it is the one reported (in-process, the
    // same dispatcher as the binary: parsing fails before any work, so this is quick)
    for (const [f, v] of Object.entries(flags)) {
      const r = await inProcess([command, ...(v === null ? [f] : [f, v]), '--zzz-unknown']);
      assert.equal(r.status, 2, `${command} ${f}: ${r.stderr}`);
      assert.match(r.stderr, /unknown option '--zzz-unknown'/, `${command} ${f}`);
    }
  }
});

test('did you mean: options, commands; usage errors exit 2 and point to --help', () => {
  const o = ncp(['predict', '--jsn', CODE]);
  assert.equal(o.status, 2);
  assert.match(o.stderr, /unknown option '--jsn' \(did you mean '--json'\?\)/);
  assert.match(o.stderr, /Run `ncprop predict --help` for usage/);
  const c = ncp(['predcit']);
  assert.equal(c.status, 2);
  assert.match(c.stderr, /unknown command 'predcit' \(did you mean 'predict'\?\)/);
  assert.match(ncp(['lsp', '--stdi']).stderr, /did you mean '--stdio'\?/);
});

test('--version is package.json\'s', () => {
  const r = ncp(['--version']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
});

test('settings, tasks and metrics: names from the models, task names, did you mean', () => {
  const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.settings).sort(), ['3ddet', 'seg']);
  assert.equal(manifest.settings['3ddet'].task, 'detection');
  const task = ncp(['predict', '--model', models, '--setting', 'detection', '--json', CODE]);
  assert.equal(task.status, 0, task.stderr);
  assert.deepEqual(Object.keys(jsonLines(task)[0].predictions as object), ['3ddet']);
  const typo = ncp(['predict', '--model', models, '--setting', 'detecton', CODE]);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /unknown setting or task 'detecton' \(did you mean 'detection'\?\)/);
  const trainTypo = ncp(['train', '--out', join(dir, 'x'), '--settings', '3ddte']);
  assert.equal(trainTypo.status, 2);
  assert.match(trainTypo.stderr, /--settings: unknown setting or task '3ddte' \(did you mean '3ddet'\?\)/);
  const metric = ncp(['propagate', '--from', CODE, '--to', 'seg.mIU', '--model', models]);
  assert.equal(metric.status, 2);
  assert.match(metric.stderr, /setting 'seg' has no metric 'mIU' \(did you mean 'mIoU'\?\)/);
});

test('flops: JSON Lines (exact costs), CSV, empty stdin', () => {
  const j = ncp(['flops', '--json', CODE, 'nonsense']);
  assert.equal(j.status, 1);
  const [ok, bad] = jsonLines(j);
  assert.deepEqual(Object.keys(ok), ['code', 'string', 'flops', 'params']);
  assert.deepEqual(Object.keys(bad), ['input', 'error']);
  const csv = ncp(['flops', '--csv', CODE]);
  assert.equal(csv.status, 0);
  assert.equal(csv.stdout.split('\n')[0], 'code,flops,params,outsideRange');
  assert.match(csv.stdout.split('\n')[1], new RegExp(`^${CODE},[\\d.]+,[\\d.]+,false$`));
  assert.equal(ncp(['flops', '--json', '--csv', CODE]).status, 2);
});

test('an empty stdin is treated the same by every command that reads it: exit 1, said on stderr', () => {
  for (const args of [['flops'], ['flops', '--json'], ['predict', '--model', models], ['predict', '--json', '--model', models], ['check', '-'], ['fmt', '-']]) {
    const r = ncp(args, '');
    assert.equal(r.status, 1, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, /^ncprop \w+: no .* on standard input \(give/m, args.join(' '));
  }
});

test('predict: JSON Lines with {mean, std} rounded, CSV, extrapolation flagged on stdout', () => {
  const j = ncp(['predict', '--model', models, '--json', CODE, WIDE]);
  assert.equal(j.status, 0, j.stderr);
  const [a, b] = jsonLines(j);
  assert.equal(a.extrapolated, false);
  assert.equal(b.extrapolated, true);
  assert.match(String((b.warnings as string[])[0]), /head\.channels: 136/);
  for (const line of [a, b]) {
    assertRounded(line);
    for (const metrics of Object.values(line.predictions as Record<string, Record<string, unknown>>)) for (const e of Object.values(metrics)) assert.ok(isEstimate(e), JSON.stringify(e));
  }
  const text = ncp(['predict', '--model', models, WIDE]);
  assert.match(text.stdout, / \*\n/);
  assert.match(text.stdout, /\* outside the benchmark's range, predictions extrapolate: head\.channels: 136/);
  const csv = ncp(['predict', '--model', models, '--csv', '--setting', 'seg', CODE]);
  assert.deepEqual(csv.stdout.trim().split('\n').map((l) => l.split(',').slice(1, 3).join('.')), ['setting.metric', 'seg.mIoU', 'seg.mAcc', 'seg.aAcc']);
});

test('eval: JSON Lines, CSV, and a training-set score says so', () => {
  const held = ncp(['eval', '--model', models, '--holdout', '0.25', '--split-seed', '3', '--json']);
  assert.equal(held.status, 0, held.stderr);
  const rows = jsonLines(held);
  assert.ok(rows.length >= 4);
  for (const r of rows) {
    assert.deepEqual(Object.keys(r), ['models', 'version', 'data', 'networks', 'trainingNetworks', 'holdout', 'splitSeed', 'split', 'setting', 'metric', 'n', 'tau', 'rho', 'mae', 'cov1', 'cov2']);
    assert.equal(r.split, 'held-out');
    assertRounded(r);
  }
  const train = ncp(['eval', '--data', mr, '--model', full]);
  assert.equal(train.status, 0, train.stderr);
  assert.match(train.stdout, /TRAINING-SET score/);
  assert.equal(jsonLines(ncp(['eval', '--model', full, '--json']))[0].split, 'training');
  const csv = ncp(['eval', '--model', full, '--csv']);
  assert.equal(csv.stdout.split('\n')[0], 'models,recipe,data,split,setting,metric,n,tau,rho,mae,cov1,cov2');
});

test('propagate: units, deprecated --models, {mean, std} in JSON, FILE --to warns', () => {
  const r = ncp(['propagate', '--from', CODE, '--to', '3ddet.moderate', '--flops-max', '2500M', '--params-max', '30M', '--steps', '4', '--restarts', '2', '--seed', '1', '--json', '--models', models]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: --models is deprecated; use --model/);
  const [out] = jsonLines(r);
  const p = (out.predicted as Record<string, unknown>[])[0];
  assert.equal(p.term, '3ddet.moderate');
  assert.ok(isEstimate(p.start) && isEstimate(p.result));
  assertRounded(out.predicted);
  assert.ok((out.flops as { result: number }).result <= 2.5 + 1e-9);
  assert.match(ncp(['propagate', '--from', CODE, '--to', 'seg', '--flops-max', '2.5X', '--model', models]).stderr, /--flops-max: expected a positive amount in G/);
  writeFileSync(join(dir, 'p.ncp'), `network n = "${CODE}"\npropagate p from n {\n  maximize seg.mIoU\n  steps 2\n}\n`);
  const f = ncp(['propagate', 'p.ncp', '--name', 'p', '--to', 'detection', '--model', models]);
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stderr, /warning: --to is ignored with p\.ncp: the file's propagate blocks .* decide/);
  assert.match(f.stdout, /\/\/ seg\.mIoU /);
});

test('check --json is JSON Lines; --model brings the models\' settings', () => {
  writeFileSync(join(dir, 'd.ncp'), `network n = "${CODE}"\npropagate p from n {\n  maximize 3ddet.moderate\n}\n`);
  const plain = ncp(['check', '--json', 'd.ncp']);
  assert.equal(plain.status, 1);
  assert.equal(jsonLines(plain)[0].code, 'unknown-setting');
  assert.equal(ncp(['check', '--json', '--model', models, 'd.ncp']).stdout, '');
});

test('fmt: --check exits 1 and changes nothing; without it writes in place; syntax errors are refused', () => {
  const messy = `network   n   =   "${CODE}"\npropagate p from n {\nmaximize seg.mIoU\n}\n`;
  const file = join(dir, 'messy.ncp');
  writeFileSync(file, messy);
  const c = ncp(['fmt', '--check', 'messy.ncp']);
  assert.equal(c.status, 1);
  assert.equal(c.stdout.trim(), 'messy.ncp');
  assert.equal(readFileSync(file, 'utf8'), messy);
  assert.equal(ncp(['fmt', 'messy.ncp']).status, 0);
  const formatted = readFileSync(file, 'utf8');
  assert.notEqual(formatted, messy);
  assert.match(formatted, /^network n = "/);
  assert.equal(ncp(['fmt', '--check', 'messy.ncp']).status, 0);
  assert.equal(ncp(['fmt', '-'], messy).stdout, formatted);
  const broken = `network n = [1, 2\npropagate {`;
  writeFileSync(join(dir, 'broken.ncp'), broken);
  const b = ncp(['fmt', 'broken.ncp']);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /broken\.ncp: has syntax errors; not formatted/);
  assert.equal(readFileSync(join(dir, 'broken.ncp'), 'utf8'), broken);
  assert.equal(ncp(['fmt', 'no-such.ncp']).status, 2);
});

test('nb201: --data (deprecated --benchmark warns), one JSON line', () => {
  const r = ncp(['nb201', '--benchmark', nb, '--train-samples', '30', '--seed', '1', '--starts', '2', '--steps', '5', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: --benchmark is deprecated; use --data/);
  const lines = jsonLines(r);
  assert.equal(lines.length, 1);
  assert.deepEqual(Object.keys(lines[0]), ['optimum', 'results', 'randomSearch']);
  assertRounded(lines[0]);
});

test('train --merge keeps the other settings; the progress time never reads 1m60s', () => {
  const m = ncp(['train', '--data', mr, '--out', full, '--settings', 'seg', '--merge', '--epochs', '1', '--members', '1', '--teacher', '0', '--prior', 'none']);
  assert.equal(m.status, 0, m.stderr);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(full, 'manifest.json'), 'utf8')).settings).sort(), ['3ddet', 'seg']);
  assert.equal(fmtTime(119.6), '2m00s');
  assert.equal(fmtTime(59.6), '1m00s');
  assert.equal(fmtTime(3599.7), '1h00m');
  assert.equal(fmtTime(42.2), '42s');
});

test('search and suggest: --data (deprecated --benchmark warns), units, --to did-you-mean, JSON Lines with {mean, std}', () => {
  const out = join(dir, 'searched.jsonl');
  const s = ncp(['search', '--benchmark', nb, '--to', 'nb201', '--queries', '6', '--initial', '3', '--batch', '2', '--seed', '1', '--json', '--out', out]);
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stderr, /warning: --benchmark is deprecated; use --data/);
  const lines = jsonLines(s);
  assert.equal(lines.length, 7);
  assert.equal(lines[6].summary, true);
  assertRounded(lines);
  const mrRun = ncp(['search', '--data', mr, '--to', 'detection', '--flops-max', '2500M', '--queries', '4', '--initial', '2', '--batch', '2', '--json']);
  assert.equal(mrRun.status, 0, mrRun.stderr);
  for (const l of jsonLines(mrRun).slice(0, -1)) assert.ok(Object.keys(l.metrics as object).includes('3ddet'), 'the task name stands for its setting');
  assert.match(ncp(['search', '--data', mr, '--to', 'seg', '--flops-max', '2.5X', '--queries', '3']).stderr, /--flops-max: expected a positive amount in G/);
  const typo = ncp(['search', '--data', nb, '--to', 'nb21', '--queries', '3']);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /--to: unknown setting or task 'nb21' \(did you mean 'nb201'\?\)/);
  assert.match(typo.stderr, /Run `ncprop search --help` for usage/);
  const metric = ncp(['search', '--data', mr, '--to', '3ddet.moderat', '--queries', '3']);
  assert.match(metric.stderr, /setting '3ddet' has no metric 'moderat' \(did you mean 'moderate'\?\)/);
  assert.match(ncp(['suggest', '--dat', out]).stderr, /unknown option '--dat' \(did you mean '--data'\?\)/);

  const g = ncp(['suggest', '--data', out, '--to', 'nb201', '--count', '2', '--json']);
  assert.equal(g.status, 0, g.stderr);
  const sug = jsonLines(g);
  assert.equal(sug.length, 2);
  for (const l of sug) {
    assert.ok(isEstimate(l.predicted), JSON.stringify(l.predicted));
    assertRounded(l);
  }
  // suggest reads any data the other commands read: our JSON benchmark file too
  const fromJson = ncp(['suggest', '--data', mr, '--to', 'seg', '--flops-max', '2.5G', '--count', '1', '--json']);
  assert.equal(fromJson.status, 0, fromJson.stderr);
  assert.ok(isEstimate(jsonLines(fromJson)[0].predicted));
});
