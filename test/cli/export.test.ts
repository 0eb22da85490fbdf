import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { readOnnxSummary } from '../../server/src/core/export/onnx';
import { exactCost, resolveTarget } from '../../server/src/core/export/target';
import { parseCode, torchArgsToCode } from '../../server/src/core/space/multires';

const root = join(__dirname, '..', '..');

class Sink extends Writable {
  chunks: Buffer[] = [];
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    cb();
  }
}

async function ncp(args: string[], cwd = root): Promise<{ status: number; stdout: Sink; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from(['']), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout, stderr: stderr.text };
}

const A = '32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128';

test('export: formats from the extension, the target flags, a .ncp network by name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-export-cli-'));
  try {
    const py = await ncp(['export', A, '--out', join(dir, 'net.py'), '--head', 'seg', '--input', '512x1024']);
    assert.equal(py.status, 0, py.stderr);
    const text = readFileSync(join(dir, 'net.py'), 'utf8');
    assert.match(text, /^HEAD = "seg"/m);
    assert.match(text, /^INPUT_SIZE = \(512, 1024\)/m);
    assert.match(text, new RegExp(`^MACS = ${exactCost(parseCode(A), resolveTarget({ input: [512, 1024], head: 'seg' })).macs}$`, 'm'));
    assert.match(py.stderr, /as pytorch to .*net\.py \(3×512×1024 input, segmentation head, 19 classes: 26,373,881,856 multiply-accumulates/);

    const au = await ncp(['export', A, '--format', 'authors', '--classes', '1000']);
    assert.equal(au.status, 0, au.stderr);
    const args = JSON.parse(au.stdout.text) as Parameters<typeof torchArgsToCode>[0] & { num_classes: number };
    assert.deepEqual(torchArgsToCode(args), parseCode(A));
    assert.equal(args.num_classes, 1000);

    const src = join(dir, 'nets.ncp');
    writeFileSync(src, `network a = "${A}"\nnetwork b = [16, 16, 1, 1, 16, 1, 1, 1, 16, 32, 1, 1, 1, 1, 16, 32, 64, 1, 1, 1, 1, 1, 16, 32, 64, 128, 64]\n`);
    const ox = await ncp(['export', 'nets.ncp', 'b', '--out', 'b.onnx', '--input', '64'], dir);
    assert.equal(ox.status, 0, ox.stderr);
    const s = readOnnxSummary(readFileSync(join(dir, 'b.onnx')));
    assert.deepEqual(s.inputShape, ['batch', 3, 64, 64]);
    assert.deepEqual(s.outputShape, ['batch', 50]);
    assert.equal(s.metadata['ncp.code'], '[16,16,1,1,16,1,1,1,16,32,1,1,1,1,16,32,64,1,1,1,1,1,16,32,64,128,64]');

    // errors: which network, and why
    const two = await ncp(['export', 'nets.ncp', '--format', 'authors'], dir);
    assert.equal(two.status, 2);
    assert.match(two.stderr, /has 2 networks \(a, b\): name one/);
    const none = await ncp(['export', 'nets.ncp', 'c', '--format', 'authors'], dir);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /has no network 'c' \(networks: a, b\)/);
    const noFormat = await ncp(['export', A, '--out', 'x.txt'], dir);
    assert.equal(noFormat.status, 2);
    assert.match(noFormat.stderr, /--format is required \(\.txt does not name one/);
    const bad = await ncp(['export', A.replace('-128', '-0'), '--format', 'pytorch'], dir);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /not a network: head.channels: channel count must be positive/);
    const size = await ncp(['export', A, '--format', 'pytorch', '--input', '99999'], dir);
    assert.equal(size.status, 2);
    assert.match(size.stderr, /--input: height and width are at most 16384/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
