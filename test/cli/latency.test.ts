// ncprop latency: ONNX Runtime timing of a network, by code and as a measuring command, and a
// latency search of a few queries end to end (the search runs `ncprop latency` per network).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { summarize } from '../../server/src/core/export/latency';

const root = join(__dirname, '..', '..');
const SMALL = '16_16-1_1_1_16-1_2_1_1_16_32-1_3_1_1_1_16_32_64-1_4_1_1_1_1_16_32_64_128-64';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function ncp(args: string[], stdin = '', cwd = root): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from([stdin]), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

test('summarize: median, quartiles and spread', () => {
  const s = summarize([5, 1, 3, 2, 4]);
  assert.deepEqual([s.ms, s.q1, s.q3, s.min, s.max], [3, 2, 4, 1, 5]);
  assert.equal(s.spread, 2 / 3);
});

test('latency CODE --json, and as a measuring command (network JSON in, metrics line out)', async () => {
  const r = await ncp(['latency', SMALL, '--input', '64', '--runs', '3', '--warmup', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { ms: number; q1: number; q3: number; runs: number; input: number[]; flops: number; string: string };
  assert.ok(j.ms > 0 && j.q1 <= j.ms && j.ms <= j.q3);
  assert.equal(j.runs, 3);
  assert.deepEqual(j.input, [64, 64]);
  const net = { space: 'multires', code: [16, 16, 1, 1, 16, 1, 1, 1, 16, 32, 1, 1, 1, 1, 16, 32, 64, 1, 1, 1, 1, 1, 16, 32, 64, 128, 64], input: [48, 80], head: 'seg' };
  const m = await ncp(['latency', '--runs', '2', '--warmup', '0'], JSON.stringify(net) + '\n');
  assert.equal(m.status, 0, m.stderr);
  const metrics = JSON.parse(m.stdout) as { cpu: { ms: number; spread: number } };
  assert.ok(metrics.cpu.ms > 0 && Number.isFinite(metrics.cpu.spread));
  const bad = await ncp(['latency'], '{"space":"nb201","cell":"|x|"}');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /latency measures multi-resolution networks/);
  const runs = await ncp(['latency', SMALL, '--runs', '0']);
  assert.equal(runs.status, 2);
  assert.match(runs.stderr, /--runs: expected an integer ≥ 1/);
});

test('a latency search end to end: search --measure "ncprop latency" minimises cpu.ms (negative weight)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-latency-search-'));
  try {
    const entry = join(dir, 'ncprop.js');
    writeFileSync(entry, `require(${JSON.stringify(join(root, 'server/src/cli/ncp.ts'))}).runCli();\n`);
    const cmd = `"${process.execPath}" --import tsx "${entry}" latency --runs 2 --warmup 1 --input 64`;
    const out = join(dir, 'latency.jsonl');
    const r = await ncp(['search', '--measure', cmd, '--to=-1*cpu.ms', '--flops-max', '1G', '--queries', '4', '--initial', '2', '--batch', '2', '--seed', '1', '--out', out, '--timeout', '300']);
    assert.equal(r.status, 0, r.stderr);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; metrics?: { cpu?: { ms?: number } } });
    assert.equal(rows.length, 4);
    assert.ok(rows.every((x) => x.ok && typeof x.metrics?.cpu?.ms === 'number' && x.metrics.cpu.ms > 0), JSON.stringify(rows));
    assert.match(r.stdout, /best: objective -[\d.]+ = -1 \* cpu\.ms -[\d.]+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
