// Issue 14 item 6: `ncp.benchmark.path` pointing at something that is not a benchmark file. A FIFO,
// a device or a folder never hangs a hover; a file that is not JSON is reported without its bytes;
// the path is escaped in hover markdown. The files are made here, at run time.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { startClient, type LspClient } from './harness';
import { readTextFile, readTextFileSync } from '../../server/src/core/files';
import { loadMrBenchmark, BenchmarkFormatError } from '../../server/src/core/benchmark';

const CODE = [64, 64, 1, 4, 64, 1, 4, 4, 32, 64, 4, 4, 4, 4, 32, 64, 128, 3, 4, 4, 4, 4, 32, 64, 128, 128, 128];
const NET = `network n = [${CODE.join(', ')}]\n`;
const dir = mkdtempSync(join(tmpdir(), 'ncp-bench-path-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function hoverWith(path: string, times = 3): Promise<{ client: LspClient; hovers: string[]; ms: number[] }> {
  const client = await startClient({ settings: { ncp: { benchmark: { path } } }, initializationOptions: { predictors: false } });
  const uri = 'file:///bench-path.ncp';
  await client.open(uri, NET);
  await client.waitFor(() => (client.serverRequests.get('workspace/configuration') ?? 0) > 0);
  const hovers: string[] = [];
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
    ms.push(performance.now() - t0);
    hovers.push(h ? (h.contents as { value: string }).value : '');
  }
  return { client, hovers, ms };
}

test('a FIFO as ncp.benchmark.path does not hang hovers; the log says what it is', async () => {
  const fifo = join(dir, 'bench.fifo');
  execFileSync('mkfifo', [fifo]);
  const { client, hovers, ms } = await hoverWith(fifo);
  try {
    assert.ok(Math.max(...ms) < 1000, `hovers took ${ms.map((m) => m.toFixed(0)).join(', ')} ms`);
    for (const h of hovers) assert.match(h, /FLOPs \*\*/);
    await client.waitFor(() => client.log.some((l) => l.includes('named pipe (FIFO), not a regular file')), 5000);
  } finally {
    await client.stop();
  }
});

// A folder is read as the authors' data/ folder (issue 16): one without their pickles is refused.
for (const [what, path, kind] of [
  ['a folder', () => dir, "a folder of data holds <setting>/trainval.pkl"],
  ['a device', () => '/dev/zero', 'is a device, not a regular file'],
] as const) {
  test(`${what} as ncp.benchmark.path is refused without reading it`, async () => {
    const { client, hovers, ms } = await hoverWith(path(), 2);
    try {
      assert.ok(Math.max(...ms) < 1000);
      for (const h of hovers) assert.match(h, /FLOPs \*\*/);
      await client.waitFor(() => client.log.some((l) => l.includes(kind)), 5000);
    } finally {
      await client.stop();
    }
  });
}

test('a file that is not JSON is reported by position, never with its bytes', async () => {
  const secret = join(dir, 'passwd');
  writeFileSync(secret, 'root:x:0:0:SECRET-TOKEN-1234:/root:/bin/bash\n');
  const { client } = await hoverWith(secret, 1);
  try {
    await client.waitFor(() => client.log.some((l) => l.includes('is not valid JSON')), 5000);
    const log = client.log.join('\n');
    assert.doesNotMatch(log, /SECRET|root:x/);
  } finally {
    await client.stop();
  }
  // the CLI's reader says the same
  assert.throws(() => loadMrBenchmark(secret), (e: unknown) => e instanceof BenchmarkFormatError && /not valid JSON/.test((e as Error).message) && !/SECRET/.test((e as Error).message));
});

test('the benchmark path is escaped in hover markdown (a folder named like a link stays text)', async () => {
  const evil = join(dir, '[click me](javascript:alert(1)) *x* <b>');
  mkdirSync(evil);
  const file = join(evil, 'bench.json');
  // a one-network benchmark file in the NAS-Bench-MR layout, values made up for this test
  writeFileSync(file, JSON.stringify({ settings: { seg: { metrics: ['mIoU', 'mAcc', 'aAcc'] } }, archs: [{ code: CODE, flops: 1, params: 1, seg: [50, 60, 90] }] }));
  const { client, hovers } = await hoverWith(file, 2);
  try {
    const md = hovers[hovers.length - 1];
    assert.match(md, /Measured values: /, md);
    assert.doesNotMatch(md, /[^\\]\[click me\]\(javascript/, 'no unescaped link');
    assert.ok(md.includes('\\[click me\\]\\(javascript:alert\\(1\\)\\) \\*x\\* \\<b\\>'), md);
  } finally {
    await client.stop();
  }
});

test('readTextFile: size limit and kinds, async and sync', async () => {
  const f = join(dir, 'small.json');
  writeFileSync(f, '{"a": 1}');
  assert.equal(await readTextFile(f), '{"a": 1}');
  assert.equal(readTextFileSync(f), '{"a": 1}');
  await assert.rejects(readTextFile(f, { maxBytes: 4 }), /over the limit/);
  assert.throws(() => readTextFileSync(f, 4), /over the limit/);
  await assert.rejects(readTextFile(join(dir, 'missing.json')), /no such file/);
  assert.throws(() => readTextFileSync('/dev/zero'), /a device, not a regular file/);
});
