// Speed of the exact cost: `cost` and `costGradient` per code (goal < 20 µs), and the wall time of
// `ncp flops --json` on 10,000 codes piped through standard input (goal < 1 s, process start included).
// Run: node --import tsx bench/cost.ts [codes=100000]   (the CLI part needs a build: node scripts/build.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cost, costBreakdown, costGradient } from '../server/src/core/cost';
import { codeToString, randomCode, CODE_KINDS } from '../server/src/core/space/multires';

const n = Number(process.argv[2] ?? 100000);
let seed = 12345;
const rand = (): number => {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
};
const codes = Array.from({ length: n }, () => randomCode(rand));
const flat = codes.map((c) => Float64Array.from(c));
const relaxed = Array.from({ length: n }, () => Float64Array.from(CODE_KINDS, (k) => (k === 'channels' ? 8 + rand() * 120 : 1 + rand() * 3)));

function time(label: string, f: (i: number) => number): void {
  let sink = 0;
  for (let i = 0; i < Math.min(n, 20000); i++) sink += f(i); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += f(i);
  const ns = Number(process.hrtime.bigint() - t0);
  console.log(`${label.padEnd(44)} ${(ns / n / 1000).toFixed(2).padStart(7)} µs/code  (${n} codes, checksum ${sink.toExponential(6)})`);
}

time('cost (number[] codes)', (i) => cost(codes[i]).flops);
time('cost (Float64Array, real-valued)', (i) => cost(relaxed[i]).flops);
time('cost, seg head 512x1024', (i) => cost(flat[i], { input: [512, 1024], head: 'seg' }).flops);
time('costBreakdown', (i) => costBreakdown(codes[i]).total.flops);
time('costGradient (real-valued)', (i) => costGradient(relaxed[i]).dFlops[26]);

const bin = join(__dirname, '..', 'bin', 'ncp.js');
if (!existsSync(join(__dirname, '..', 'dist', 'cli.js'))) {
  console.log('ncp flops: skipped (dist/cli.js missing; run node scripts/build.mjs)');
} else {
  const stdin = codes.slice(0, 10000).map((c, i) => (i % 2 ? codeToString(c) : c.join(','))).join('\n') + '\n';
  for (const args of [['flops', '--json'], ['flops']]) {
    const runs: number[] = [];
    let status: number | null = 0;
    for (let r = 0; r < 5; r++) {
      const t0 = process.hrtime.bigint();
      const p = spawnSync(process.execPath, [bin, ...args], { input: stdin, maxBuffer: 1 << 27 });
      runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      status = p.status;
    }
    runs.sort((a, b) => a - b);
    console.log(`ncp ${args.join(' ').padEnd(40)} ${runs[2].toFixed(0).padStart(7)} ms wall for 10,000 codes on stdin (median of 5, exit ${status})`);
  }
  const starts: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, [bin, '--version']);
    starts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  starts.sort((a, b) => a - b);
  console.log(`${'ncp --version (process start alone)'.padEnd(44)} ${starts[2].toFixed(0).padStart(7)} ms wall`);
}
