// Data through the CLI: `ncprop import` (validated against docs/benchmark.schema.json), training on
// the authors' folder shape (3ddet included) and propagating to 3ddet.moderate, the model folder
// surviving failed and cancelled trains, and the bad-data cases of issue 14 (clear errors, no traces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import Ajv from 'ajv';
import { main } from '../../server/src/cli/ncp';
import { defaultModelsDir } from '../../server/src/core/predict/store';
import { sha256 } from '../../server/src/core/predict/format';
import { codeToString } from '../../server/src/core/space/multires';
import { findDataDir } from '../../server/src/core/benchmark';
import { codes, writeAuthorsFolder } from '../data/fixtures';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const dir = mkdtempSync(join(tmpdir(), 'ncp-cli-data-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function ncp(args: string[], stdinText = ''): Promise<{ code: number; out: string; err: string }> {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await main(args, { stdin, stdout, stderr, cwd: dir, stderrIsTTY: false });
  return { code, out, err };
}

const authors = join(dir, 'authors');
const { codes: fixtureCodes } = writeAuthorsFolder(authors, 40);
const schema = JSON.parse(readFileSync(join(root, 'docs', 'benchmark.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

type Bench = { settings: Record<string, { task: string }>; archs: Record<string, unknown>[] };

/** A snapshot of a folder: file names and contents. */
function snapshot(d: string): Record<string, string> {
  return Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]));
}

test("ncprop import of the authors' folder writes our JSON, valid against the published schema", async () => {
  const out = join(dir, 'imported.json');
  const r = await ncp(['import', authors, '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /wrote .*imported\.json: 4 setting\(s\) \(3ddet: moderate, easy, hard; cls-10c: top1, top5; nb201: acc; seg: mIoU, mAcc, aAcc\), 40 network\(s\), 8 cell\(s\)/);
  const json = JSON.parse(readFileSync(out, 'utf8')) as Bench;
  assert.ok(validate(json), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(json.settings['3ddet'].task, 'detection');
  // an NB201-only import writes the NAS-Bench-201 form, also valid
  const nb = join(dir, 'nb.json');
  assert.equal((await ncp(['import', join(authors, 'nas-bench-201', 'trainval.pkl'), '--out', nb])).code, 0);
  const nbJson = JSON.parse(readFileSync(nb, 'utf8')) as Bench;
  assert.ok(validate(nbJson), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(nbJson.archs.length, 8);
  // the schema is not vacuous: a metric beyond the limit, a short code, a missing field fail it
  const broken = structuredClone(json);
  (broken.archs[0].seg as number[])[0] = 1e9;
  assert.equal(validate(broken), false);
  broken.archs[0] = { code: [1, 2, 3], flops: 1, params: 1 };
  assert.equal(validate(broken), false);
  assert.equal(validate({ archs: [] }), false);
});

test('ncp import writes nothing when an input is bad, and names file, row and field', async () => {
  const out = join(dir, 'never.json');
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, [JSON.stringify({ code: fixtureCodes[0], setting: 'video', metrics: { top1: 20, top5: 50 } }), JSON.stringify({ code: fixtureCodes[1], setting: 'video', metrics: { top1: 'n/a', top5: 50 } })].join('\n'));
  const r = await ncp(['import', authors, bad, '--out', out]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.jsonl: row 2, field 'top1': metric 'top1' must be a number, got the text "n\/a"/);
  assert.equal(existsSync(out), false);
  // an existing output file is left as it was
  writeFileSync(out, 'old');
  assert.equal((await ncp(['import', bad, '--out', out])).code, 2);
  assert.equal(readFileSync(out, 'utf8'), 'old');
  assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp')).length, 0);
});

test('real authors\' files import to a schema-valid file', { skip: findDataDir() && existsSync(join(findDataDir()!, 'authors-dev', 'seg')) ? false : "the authors' data folder not found" }, async () => {
  const out = join(dir, 'real.json');
  const src = process.env.NCP_AUTHORS_DATA ?? join(findDataDir()!, 'authors-dev');
  const r = await ncp(['import', join(src, 'seg', 'trainval.pkl'), join(src, 'cls-10c', 'trainval.pkl'), '--out', out]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(readFileSync(out, 'utf8')) as Bench;
  assert.ok(validate(json), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(json.archs.length, 2006);
});

test('train on the authors\' folder shape (3ddet included), then propagate to 3ddet.moderate', async () => {
  const models = join(dir, 'models-3ddet');
  const t = await ncp(['train', '--data', authors, '--out', models, '--settings', '3ddet,seg', '--epochs', '2', '--members', '1', '--teacher', '0', '--set', 'trunk=16,head=8']);
  assert.equal(t.code, 0, t.err);
  const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.settings['3ddet'].metrics, ['moderate', 'easy', 'hard']);
  const p = await ncp(['propagate', '--from', codeToString(fixtureCodes[0]), '--to', '3ddet.moderate', '--model', models, '--steps', '3', '--json']);
  assert.equal(p.code, 0, p.err);
  const line = JSON.parse(p.out.trim().split('\n')[0]);
  assert.equal(line.result.length, 27);
  assert.match(JSON.stringify(line), /3ddet/);
});

test('train --out naming an existing file, or a folder that is not a model folder, is refused before training', async () => {
  const f = join(dir, 'a-file');
  writeFileSync(f, 'keep me');
  const r = await ncp(['train', '--data', authors, '--out', f, '--epochs', '1']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--out: .*a-file exists and is not a folder/);
  assert.doesNotMatch(r.err, /epoch/); // refused before any training
  assert.equal(readFileSync(f, 'utf8'), 'keep me');
  const other = join(dir, 'photos');
  mkdirSync(other);
  writeFileSync(join(other, 'cat.jpg'), 'meow');
  const o = await ncp(['train', '--data', authors, '--out', other, '--epochs', '1']);
  assert.equal(o.code, 2);
  assert.match(o.err, /not a model folder, so it is not replaced/);
  assert.deepEqual(readdirSync(other), ['cat.jpg']);
});

test('absurd training data is refused and the model folder is not touched (targets ×−1e30, 1e308, null metrics)', async () => {
  const models = join(dir, 'models-keep');
  cpSync(defaultModelsDir(), models, { recursive: true });
  const before = snapshot(models);
  const archs = codes(30, 11).map((c, i) => ({ code: c, flops: 1, params: 1, seg: [50 + i / 10, 60, 90] }));
  const cases: [string, (j: { settings: Record<string, { metrics: unknown }>; archs: Record<string, unknown>[] }) => void, RegExp][] = [
    ['neg', (j) => j.archs.forEach((a) => ((a.seg as number[])[0] *= -1e30)), /row 1, field 'archs\[0\]\.seg\[0\]': metric 'mIoU' = -5e\+31 is beyond ±10000/],
    ['huge', (j) => ((j.archs[3].seg as number[])[1] = 1e308), /row 4, field 'archs\[3\]\.seg\[1\]': metric 'mAcc' = 1e\+308/],
    ['null', (j) => (j.settings.seg.metrics = null), /field 'settings\.seg\.metrics': expected a non-empty list/],
    ['empty', (j) => (j.archs[5].seg = []), /row 6, field 'archs\[5\]\.seg': expected 3 numbers \(mIoU, mAcc, aAcc\), got 0/],
    ['short', (j) => (j.archs[5].seg = [50]), /row 6, field 'archs\[5\]\.seg': expected 3 numbers .*got 1/],
    ['string', (j) => (j.archs[5].seg = ['50', '60', '90']), /row 6, field 'archs\[5\]\.seg\[0\]': metric 'mIoU' must be a number/],
  ];
  for (const [name, edit, want] of cases) {
    const j = { settings: { seg: { task: 'segmentation', metrics: ['mIoU', 'mAcc', 'aAcc'] as unknown } }, archs: structuredClone(archs) as Record<string, unknown>[] };
    edit(j);
    const f = join(dir, `${name}.json`);
    writeFileSync(f, JSON.stringify(j));
    const r = await ncp(['train', '--data', f, '--out', models, '--epochs', '1', '--members', '1']);
    assert.equal(r.code, 2, `${name}: ${r.err}`);
    assert.match(r.err, want, name);
    assert.doesNotMatch(r.err, /internal error|at .*\.ts:\d+/);
  }
  assert.deepEqual(snapshot(models), before);
});

test('a model file with weights of 3e38 is refused at load with a clear message (exit 1)', async () => {
  const models = join(dir, 'models-tampered');
  cpSync(defaultModelsDir(), models, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8'));
  const file = join(models, manifest.settings.seg.file);
  const m = JSON.parse(readFileSync(file, 'utf8'));
  const w = Buffer.from(m.members[0].trunk[0].W, 'base64');
  w.writeFloatLE(3e38, 0);
  m.members[0].trunk[0].W = w.toString('base64');
  const text = JSON.stringify(m);
  writeFileSync(file, text);
  manifest.settings.seg.sha256 = sha256(text); // the checksum matches: only the value check can catch it
  writeFileSync(join(models, 'manifest.json'), JSON.stringify(manifest));
  const r = await ncp(['predict', '--model', models, '--setting', 'seg', codeToString(fixtureCodes[0])]);
  assert.equal(r.code, 1);
  assert.match(r.err, /seg\.json: members\[0\]\.trunk\[0\]\.W: value 0 = 3\.00e\+38 is beyond ±10000/);
  assert.equal(r.out, '');
});

test('130,000 codes from a file: no stack overflow', async () => {
  const f = join(dir, 'many.txt');
  const cs = codes(50, 3).map(codeToString);
  writeFileSync(f, Array.from({ length: 130_000 }, (_, i) => cs[i % cs.length]).join('\n'));
  const r = await ncp(['flops', f]);
  assert.equal(r.code, 0, r.err.slice(0, 500));
  assert.equal(r.out.trim().split('\n').length >= 130_000, true);
});

test('negative numbers for --lambda, --steps, --flops-max: the option\'s own range message, not "ambiguous"', async () => {
  const from = codeToString(fixtureCodes[0]);
  for (const [flag, want] of [['--lambda', /--lambda: expected a number ≥ 0, got '-1'/], ['--steps', /--steps: expected an integer ≥ 0, got '-1'/], ['--flops-max', /--flops-max: expected a positive amount/]] as const) {
    const r = await ncp(['propagate', '--from', from, '--to', 'seg', flag, '-1']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, want);
    assert.doesNotMatch(r.err, /ambiguous/);
  }
  const n = await ncp(['nb201', '--train-samples', '10', '--seed', '0', '--steps', '-3']);
  assert.match(n.err, /--steps: expected an integer ≥ 0, got '-3'/);
});

test('a cancelled train (SIGINT) leaves the old model folder exactly as it was, with nothing beside it', async () => {
  const parent = join(dir, 'cancel');
  mkdirSync(parent);
  const models = join(parent, 'models');
  cpSync(defaultModelsDir(), models, { recursive: true });
  const before = snapshot(models);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'cli', 'cliMain.ts'), 'train', '--data', authors, '--out', models, '--epochs', '500', '--members', '2', '--teacher', '0'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((res) => child.on('exit', (code, signal) => res(code ?? (signal ? 130 : null))));
  await new Promise<void>((res) => {
    child.stderr.on('data', (c) => {
      err += c;
      if (/epoch \d+\/500/.test(err)) res();
    });
    child.on('exit', () => res());
  });
  child.kill('SIGINT');
  const code = await exited;
  assert.notEqual(code, 0, err);
  assert.deepEqual(snapshot(models), before);
  assert.deepEqual(readdirSync(parent), ['models']);
  assert.ok(statSync(models).isDirectory());
});

test('predict --data prints the measured values of inputs found in the data (text, --json, --csv)', async () => {
  const csv = join(dir, 'runs.csv');
  writeFileSync(csv, `code,setting,mIoU,mAcc,aAcc\n${codeToString(fixtureCodes[2])},seg,66.25,75,93\n`);
  const known = codeToString(fixtureCodes[2]);
  const other = codeToString(fixtureCodes[3]);
  const j = await ncp(['predict', '--setting', 'seg', '--data', csv, '--json', known, other]);
  assert.equal(j.code, 0, j.err);
  const [a, b] = j.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(a.measured, { seg: { mIoU: 66.25, mAcc: 75, aAcc: 93 } });
  assert.equal(b.measured, null);
  const t = await ncp(['predict', '--setting', 'seg', '--data', csv, known]);
  assert.match(t.out, /measured: mIoU 66\.25 {3}mAcc 75\.00 {3}aAcc 93\.00/);
  const c = await ncp(['predict', '--setting', 'seg', '--data', csv, '--csv', known]);
  assert.match(c.out, /^input,setting,metric,mean,std,extrapolated,measured$/m);
  assert.match(c.out, /,seg,mIoU,[^,]+,[^,]+,false,66\.25$/m);
  const bad = await ncp(['predict', '--data', join(dir, 'bad.jsonl'), known]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--data: .*bad\.jsonl: row 2, field 'top1'/);
});

test('training on your own measurements: a tiny CSV trains; one row is refused with a reason, not a trace', async () => {
  const ok = join(dir, 'three.csv');
  writeFileSync(ok, ['code,setting,top1', ...fixtureCodes.slice(0, 3).map((c, i) => `${codeToString(c)},mine,${50 + i}`)].join('\n'));
  const models = join(dir, 'models-mine');
  const t = await ncp(['train', '--data', ok, '--out', models, '--epochs', '2', '--members', '1', '--prior', 'none']);
  assert.equal(t.code, 0, t.err);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')).settings), ['mine']);
  const one = join(dir, 'one.csv');
  writeFileSync(one, `code,setting,top1\n${codeToString(fixtureCodes[0])},mine,50\n`);
  const r = await ncp(['train', '--data', one, '--out', join(dir, 'models-one'), '--epochs', '2', '--members', '1', '--prior', 'none']);
  assert.equal(r.code, 2);
  assert.match(r.err, /setting 'mine': 1 measured network\(s\) \(\+5 teacher-labelled\); training needs at least 10 examples/);
  assert.equal(existsSync(join(dir, 'models-one')), false);
});
