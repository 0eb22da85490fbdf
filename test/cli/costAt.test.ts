// --input/--head/--classes on propagate, search and suggest: budgets count at that size and head;
// the measuring command's network JSON carries the authors' arguments and the target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { cost } from '../../server/src/core/cost';
import { codeToTorchArgs, parseCode } from '../../server/src/core/space/multires';

const root = join(__dirname, '..', '..');
const SEG = { input: [512, 1024] as [number, number], head: 'seg' as const };

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function ncp(args: string[], cwd = root): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from(['']), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

const CLS = '88_128-1_1_1_128-1_2_1_4_120_32-2_3_1_2_4_128_128_128-1_4_1_1_1_1_32_128_8_8-128';

test('propagate --input 512x1024 --head seg: the budget and the printed cost count at that size', async () => {
  const start = parseCode(CLS);
  assert.ok(cost(start, SEG).flops > 40 && cost(start).flops < 40, 'the start fits 40 G only at 128×128');
  const r = await ncp(['propagate', '--from', CLS, '--to', 'segmentation', '--flops-max', '40G', '--steps', '8', '--json', '--input', '512x1024', '--head', 'seg']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /FLOPs and params count at 3×512×1024 input, segmentation head, 19 classes/);
  assert.match(r.stderr, /over budget/, 'over 40 G at 512×1024, so it is shrunk first');
  const out = JSON.parse(r.stdout) as { start: number[]; result: number[]; flops: { start: number; result: number } };
  assert.ok(out.flops.result <= 40, `within the budget at 512×1024: ${out.flops.result}`);
  assert.ok(Math.abs(out.flops.result - cost(out.result, SEG).flops) < 1e-9);
  assert.ok(Math.abs(out.flops.start - cost(start, SEG).flops) < 1e-9);
  const bad = await ncp(['propagate', '--from', CLS, '--to', 'segmentation', '--input', '5x', '--json']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--input: expected HxW/);
});

test('search --measure --input/--head: the script gets the authors\' arguments and the target; every network fits the budget there; suggest too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-costat-'));
  try {
    const seen = join(dir, 'seen.jsonl');
    const train = join(dir, 'train.js');
    writeFileSync(train, `const fs = require('fs');
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  fs.appendFileSync(${JSON.stringify(seen)}, input.trim() + '\\n');
  const net = JSON.parse(input);
  console.log(JSON.stringify({ seg: { mIoU: net.code.reduce((s, v) => s + Math.log(v), 0) } }));
});
`);
    const out = join(dir, 'runs.jsonl');
    const r = await ncp(['search', '--measure', `"${process.execPath}" "${train}"`, '--to', 'seg.mIoU', '--flops-max', '30G', '--queries', '5', '--initial', '3', '--batch', '2', '--seed', '4', '--out', out, '--input', '512x1024', '--head', 'seg']);
    assert.equal(r.status, 0, r.stderr);
    const nets = readFileSync(seen, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { code: number[]; authors: unknown; input: number[]; head: string });
    assert.equal(nets.length, 5);
    for (const n of nets) {
      assert.deepEqual(n.authors, codeToTorchArgs(n.code));
      assert.deepEqual(n.input, [512, 1024]);
      assert.equal(n.head, 'seg');
      assert.ok(cost(n.code, SEG).flops <= 30, `${n.code} fits 30 G at 512×1024`);
    }
    const s = await ncp(['suggest', '--data', out, '--to', 'seg.mIoU', '--flops-max', '30G', '--count', '2', '--json', '--input', '512x1024', '--head', 'seg']);
    assert.equal(s.status, 0, s.stderr);
    const sug = s.stdout.trim().split('\n').map((l) => JSON.parse(l) as { code: number[] });
    assert.ok(sug.length >= 1);
    for (const x of sug) assert.ok(cost(x.code, SEG).flops <= 30);
    const cells = await ncp(['search', '--measure', 'true', '--to', 'nb201', '--queries', '2', '--head', 'seg']);
    assert.equal(cells.status, 2);
    assert.match(cells.stderr, /--input, --head and --classes apply to multi-resolution networks/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
