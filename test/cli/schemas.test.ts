// The JSON contract (#27, docs/cli.md "Output"): every command's --json lines validate against its
// schema in docs/cli-schemas/ (ajv). The test walks the folder: every schema is exercised here,
// and every command that has --json has a schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { ncprop, type Run } from './cliHarness';
import { commands } from '../../server/src/cli/commands';
import { generatedBenchmark } from './generatedBenchmark';
import { codeToString } from '../../server/src/core/space/multires';
import { findDataDir } from '../../server/src/core/benchmark';

const root = join(__dirname, '..', '..');
const schemaDir = join(root, 'docs', 'cli-schemas');
const dir = mkdtempSync(join(tmpdir(), 'ncp-schemas-'));
const CODE = '32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128';
const CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|';
const ajv = new Ajv({ allErrors: true, strict: false });
const schemaFiles = readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort();
const validators = new Map(schemaFiles.map((f) => [f.replace('.schema.json', ''), ajv.compile(JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as object)]));
const exercised = new Set<string>();

function validate(command: string, r: Run, minLines = 1): Record<string, unknown>[] {
  const v = validators.get(command);
  assert.ok(v, `a schema for ${command}`);
  exercised.add(command);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length >= minLines, `${command}: ${lines.length} JSON lines (stderr: ${r.stderr})`);
  return lines.map((l) => {
    const o = JSON.parse(l) as Record<string, unknown>;
    assert.ok(v(o), `${command}: ${l.slice(0, 300)}\n${ajv.errorsText(v.errors)}`);
    return o;
  });
}

const bench = generatedBenchmark([{ name: 'seg', metrics: ['mIoU', 'mAcc', 'aAcc'] }], 40, 5);
const csv = join(dir, 'seg.csv');
writeFileSync(csv, `code,setting,mIoU,mAcc,aAcc\n${bench.archs.map((a) => `${codeToString(a.code as number[])},seg,${(a.seg as number[]).join(',')}`).join('\n')}\n`);
const train = join(dir, 'train.js');
writeFileSync(train, `let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => { const n = JSON.parse(s); console.log(JSON.stringify({ seg: { mIoU: 50 + n.code.reduce((a, v) => a + Math.log(v), 0) / 3 } })); });\n`);

test('flops, check, predict: every line fits its schema (bad inputs included)', async () => {
  validate('flops', await ncprop(['flops', '--json', CODE, 'nope'], dir), 2);
  validate('flops', await ncprop(['flops', '--json', '--breakdown', CODE], dir));
  writeFileSync(join(dir, 'bad.ncp'), 'network a = [1, 2]\npropagate p from a {\n  flops <= 2\n}\n');
  validate('check', await ncprop(['check', '--json', 'bad.ncp', 'missing.ncp'], dir), 2);
  const p = validate('predict', await ncprop(['predict', '--json', '--data', csv, CODE, CELL, 'nope'], dir), 3);
  assert.deepEqual(Object.keys(p[0].predictions as object).length > 0, true);
});

test('propagate, run, search, suggest: every line fits its schema', async () => {
  const prop = validate('propagate', await ncprop(['propagate', '--json', '--from', CODE, '--to', 'seg', '--flops-max', '2.5G', '--steps', '3'], dir));
  assert.equal(prop[0].startString, CODE);
  writeFileSync(join(dir, 'blocks.ncp'), `network n = "${CODE}"\npropagate p from n {\n  maximize seg.mIoU\n  steps 3\n}\nsearch s {\n  maximize seg.mIoU\n  flops <= 3 G\n  measurements "runs.jsonl"\n  batch 2\n}\n`);
  validate('run', await ncprop(['run', '--json', 'blocks.ncp'], dir), 2);
  const out = join(dir, 'runs.jsonl');
  validate('search', await ncprop(['search', '--json', '--measure', `"${process.execPath}" "${train}"`, '--to', 'seg.mIoU', '--flops-max', '3G', '--queries', '4', '--initial', '3', '--batch', '1', '--out', out], dir), 5);
  validate('suggest', await ncprop(['suggest', '--json', '--data', out, '--to', 'seg.mIoU', '--flops-max', '3G', '--count', '2'], dir));
  validate('run', await ncprop(['run', '--json', 'blocks.ncp', 's'], dir));
});

test('eval: model-folder runs and recipe runs fit the schema', async () => {
  const models = join(dir, 'models');
  assert.equal((await ncprop(['train', '--data', csv, '--out', models, '--epochs', '1', '--members', '1', '--teacher', '0'], dir)).status, 0);
  validate('eval', await ncprop(['eval', '--json', '--data', csv, '--model', models], dir), 3);
  validate('eval', await ncprop(['eval', '--json', '--data', csv, '--holdout', '0.25', '--epochs', '1', '--members', '1', '--teacher', '0'], dir), 3);
});

test('latency: the JSON object fits its schema', async () => {
  validate('latency', await ncprop(['latency', '--json', CODE, '--input', '32', '--runs', '2', '--warmup', '0'], dir));
});

const dataDir = findDataDir();
test('nb201: the experiment line fits its schema (estimates as {mean, std})', { skip: dataDir ? false : 'NAS-Bench-201 data not found (set NCP_DATA_DIR)' }, async () => {
  const r = await ncprop(['nb201', '--json', '--data', join(dataDir!, 'nasbench201.json'), '--train-samples', '60', '--seed', '1', '--starts', '2', '--steps', '3'], dir);
  validate('nb201', r);
});

test('the contract walks the schemas: each is exercised above, each --json command has one', async () => {
  for (const name of validators.keys()) assert.ok(exercised.has(name) || (name === 'nb201' && !dataDir), `schema ${name}.schema.json is not exercised by this test`);
  for (const c of commands) {
    const cmd = await c.load();
    if (/--json\b/.test(cmd.help)) assert.ok(validators.has(c.name), `${c.name} has --json but no docs/cli-schemas/${c.name}.schema.json`);
  }
});
