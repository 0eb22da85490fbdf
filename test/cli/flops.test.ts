import { exactCost } from '../../server/src/cli/contract';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { flopsCommand } from '../../server/src/cli/flops';
import { parseCodeLines, readCodeInputs } from '../../server/src/cli/codes';
import { cost, costBreakdown } from '../../server/src/core/cost';
import { codeToString, randomCode } from '../../server/src/core/space/multires';
import { makeRng as rng } from '../../server/src/core/random';

const root = join(__dirname, '..', '..');


class Sink extends Writable {
  text = '';
  writes = 0;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    this.writes++;
    cb();
  }
}

async function ncp(args: string[], stdin = '', cwd = root): Promise<{ status: number; stdout: string; stderr: string; writes: number }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from([stdin]), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text, writes: stdout.writes };
}

const A = '32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128';
const A_LIST = [32, 32, 1, 2, 32, 2, 2, 2, 32, 64, 3, 2, 2, 2, 32, 64, 96, 1, 2, 2, 2, 2, 32, 64, 96, 128, 128];

test('--json: one line per input with the exact cost at its precision (no float noise) and the string; bad inputs in place, exit 1', async () => {
  const r = await ncp(['flops', '--json', A, '[8,8,1,1,8]', A_LIST.join(' ')]);
  assert.equal(r.status, 1);
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  const c = cost(A_LIST);
  assert.deepEqual(lines[0], { code: A_LIST, string: A, flops: exactCost(c.flops, 'flops'), params: exactCost(c.params, 'params') });
  assert.ok(Math.abs(lines[0].flops - c.flops) < 1e-12 && Math.abs(lines[0].params - c.params) < 1e-12, 'rounding drops noise, not digits');
  assert.deepEqual(lines[2], lines[0]);
  assert.equal(lines[1].input, '[8,8,1,1,8]');
  assert.match(lines[1].error, /argument 2: expected 27 integers, got 5/);
  assert.equal(r.writes, 1, 'output is batched into one write');
});

test('codes on stdin: blank and comment lines skipped, errors name the line and the problem', async () => {
  const bad = A.replace('3_3_2_2_2_32_64_96', '3_3_2_2_32_64_96');
  const stdin = `# my codes\n\n${A}  # baseline\n// another comment\n${bad}\n[${A_LIST.join(', ')}]\n`;
  const r = await ncp(['flops', '--json'], stdin);
  assert.equal(r.status, 1);
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.deepEqual(lines[0].code, A_LIST);
  assert.match(lines[1].error, /^stdin:5: stage 3: expected 8 numbers/);
  assert.deepEqual(lines[2].code, A_LIST);
  // all good: exit 0
  assert.equal((await ncp(['flops', '--json'], `${A}\n`)).status, 0);
});

test('structural errors are errors, range issues are footnotes', async () => {
  const zero = A_LIST.slice();
  zero[0] = 0;
  const wide = A_LIST.slice();
  wide[26] = 300;
  wide[4] = 33;
  const r = await ncp(['flops', zero.join(','), wide.join(',')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /argument 1: stem\.c1: channel count must be positive, got 0/);
  assert.match(r.stdout, /-300 \*/);
  assert.match(r.stderr, /\* outside the benchmark's range/);
  assert.match(r.stderr, /argument 2: stage1\.channels\[0\]: 33 is outside.*; head\.channels: 300 is outside/);
  const j = await ncp(['flops', '--json', wide.join(',')]);
  assert.equal(j.status, 0);
  assert.equal(JSON.parse(j.stdout).flops, cost(wide).flops);
  const frac = await ncp(['flops', '--json', A_LIST.join(',').replace('128,128', '128,12.5')]);
  assert.match(JSON.parse(frac.stdout).error, /number 27 \(head\.channels\): '12\.5' is not an integer/);
});

test('table and --breakdown: aligned, readable, consistent with the core', async () => {
  const r = await ncp(['flops', A]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /3×128×128 input, classification head with 50 classes/);
  const rows = r.stdout.trimEnd().split('\n');
  const header = rows[rows.length - 2];
  const row = rows[rows.length - 1];
  assert.match(header, /^code\s+GFLOPs\s+M params$/);
  assert.equal(header.length, row.length, 'columns aligned');
  assert.ok(row.startsWith(A));
  assert.ok(row.endsWith(`${cost(A_LIST).flops.toFixed(4)}    ${cost(A_LIST).params.toFixed(4)}`));

  const b = await ncp(['flops', '--breakdown', '--input', '512x1024', '--head', 'seg', A]);
  assert.equal(b.status, 0);
  assert.match(b.stdout, /3×512×1024 input, segmentation head with 19 classes/);
  const bd = costBreakdown(A_LIST, { input: [512, 1024], head: 'seg' });
  for (const [name, c] of [['stem', bd.stem], ['stage1', bd.stages[0]], ['stage4', bd.stages[3]], ['head', bd.head], ['total', bd.total]] as const) {
    assert.match(b.stdout, new RegExp(`\\n  ${name}\\s+${c.flops.toFixed(4)}\\s+[\\d.]+%\\s+${c.params.toFixed(4)}\\s+[\\d.]+%`));
  }
  const bj = await ncp(['flops', '--json', '--breakdown', '--input', '97', '--classes', '10', A]);
  const o = JSON.parse(bj.stdout);
  const want = costBreakdown(A_LIST, { input: [97, 97], classes: 10 });
  const at = (x: { flops: number; params: number }) => ({ flops: exactCost(x.flops, 'flops'), params: exactCost(x.params, 'params') });
  assert.deepEqual(o.breakdown, { stem: at(want.stem), stages: want.stages.map(at), head: at(want.head) });
  assert.equal(o.flops, exactCost(want.total.flops, 'flops'));
});

test('.txt and .ncp files are read (one code per line; declared networks); a missing one is an error in place, status 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-flops-'));
  try {
    writeFileSync(join(dir, 'codes.txt'), `${A}\n\n# x\nnot a code\n`);
    writeFileSync(join(dir, 'net.ncp'), 'network x {}\n');
    const r = await ncp(['flops', '--json', 'codes.txt', 'net.ncp', 'missing.txt', A], '', dir);
    assert.equal(r.status, 2, 'a file that cannot be read: status 2, as in every command');
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 5);
    assert.deepEqual(lines[0].code, A_LIST);
    assert.match(lines[1].error, /^codes\.txt:4: /);
    assert.match(lines[2].error, /network 'x' has errors/);
    assert.match(lines[3].error, /cannot read 'missing\.txt': no such file/);
    assert.deepEqual(lines[4].code, A_LIST);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad options are usage errors (exit 2) naming the option', async () => {
  for (const [args, re] of [
    [['--head', 'det'], /--head: expected cls or seg, got 'det'/],
    [['--input', '12by5'], /--input: expected HxW/],
    [['--input', '0x5'], /--input: height and width must be positive/],
    [['--classes', '-3'], /--classes/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--breakdwn'], /unknown option '--breakdwn' \(did you mean '--breakdown'\?\)/],
  ] as const) {
    const r = await ncp(['flops', ...args, A]);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re);
    assert.match(r.stderr, /Run `ncprop flops --help`/);
  }
});

test('no codes: a terminal on stdin is a usage error; empty input says so', async () => {
  const stdin = Readable.from([]) as Readable & { isTTY?: boolean };
  stdin.isTTY = true;
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(['flops'], { stdin, stdout, stderr, cwd: root, stderrIsTTY: false });
  assert.equal(status, 2);
  assert.match(stderr.text, /no codes: give codes as arguments, a \.txt file, or pipe them on standard input/);
  // standard input without codes: the same answer in every command (docs/cli.md), status 1
  const r = await ncp(['flops', '--json'], '# nothing here\n\n');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no codes on standard input/);
});

test('--help explains the command, and its examples run', async () => {
  const r = await ncp(['flops', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: ncprop flops/);
  assert.equal(r.stdout, flopsCommand.help + '\n');
  const examples = r.stdout.split('\n').filter((l) => l.startsWith('  ncprop flops ') && !l.includes('codes.txt'));
  assert.ok(examples.length >= 2);
  for (const ex of examples) {
    // split like a shell: quoted arguments stay whole
    const args = [...ex.trim().matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(1);
    const out = await ncp(args);
    assert.equal(out.status, 0, `${ex}\n${out.stderr}`);
    assert.equal(out.stderr, '');
  }
});

test('parseCodeLines / readCodeInputs (shared with ncprop predict)', async () => {
  const xs = parseCodeLines(`\n  # c\n${A}\r\n// d\n1,2\n`, 'f.txt');
  assert.deepEqual(
    xs.map((x) => [x.where, x.code !== undefined]),
    [['f.txt:3', true], ['f.txt:5', false]],
  );
  assert.equal(xs[0].input, A);
  const ys = await readCodeInputs(['-', A], { stdin: Readable.from([`${A}\n`]), cwd: root });
  assert.deepEqual(ys.map((y) => y.where), ['stdin:1', 'argument 2']);
});

/**
 * Bundles the CLI as scripts/build.mjs does, into a temporary copy of the bin/ + dist/ layout, so
 * the test runs the real `bin/ncp.js` without racing other builds of the shared dist/ folder.
 */
async function buildCli(dir: string): Promise<string> {
  const esbuild = await import('esbuild');
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(root, 'bin/ncp.js'), join(dir, 'bin/ncp.js'));
  await esbuild.build({
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'],
    entryPoints: [join(root, 'server/src/cli/ncp.ts')],
    outfile: join(dir, 'dist/cli.js'),
  });
  return join(dir, 'bin/ncp.js');
}

test('the built CLI: 10,000 codes on stdin through `node bin/ncp.js flops --json`', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-cli-'));
  try {
    const bin = await buildCli(dir);
    const rand = rng(42);
    const codes = Array.from({ length: 10000 }, () => randomCode(rand));
    const stdin = codes.map((c, i) => (i % 2 ? codeToString(c) : `[${c.join(', ')}]`)).join('\n');
    const r = spawnSync(process.execPath, [bin, 'flops', '--json'], { input: stdin, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, codes.length);
    for (const i of [0, 1, 4999, 9999]) {
      const o = JSON.parse(lines[i]);
      assert.deepEqual(o.code, codes[i]);
      assert.equal(o.flops, exactCost(cost(codes[i]).flops, 'flops'));
      assert.equal(o.params, exactCost(cost(codes[i]).params, 'params'));
    }
    const bad = spawnSync(process.execPath, [bin, 'flops', '1_2'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /argument 1: expected 6 parts separated by '-'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
