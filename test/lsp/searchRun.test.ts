// Issue 22 item 7 (in the editor): "▶ Run search" on a search block with `measure "CMD"` and
// `jobs N`, over JSON-RPC with the real server — offered only when the client says the workspace
// is trusted; measurements appended to the block's file as they arrive; progress with running,
// queued, done and failed; Stop ends every running measurement's process group and leaves the
// file whole; the hover on a network being measured says so. The measuring script is written here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Hover } from 'vscode-languageserver-protocol';
import { startClient, type LspClient } from './harness';
import { ncp } from '../search/helpers';

let trusted: LspClient;
let dir: string;
const progress: { kind?: string; title?: string; message?: string }[] = [];

// Measures a cell: accuracy from its ops; with a file `slow` beside it, writes its pid and network
// and sleeps (to be stopped).
const SCRIPT = `
const fs = require('fs');
const net = JSON.parse(process.env.NCP_NETWORK);
if (fs.existsSync('slow')) {
  fs.writeFileSync('pid-' + process.pid, net.cell);
  setTimeout(() => {}, 600000);
} else {
  const acc = 40 + (net.cell.match(/conv/g) || []).length;
  if (process.env.NCP_FAIL_ALL) process.exit(3);
  console.log(JSON.stringify({ nb201: { acc } }));
}
`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ncp-searchrun-'));
  writeFileSync(join(dir, 'measure.js'), SCRIPT);
  trusted = await startClient({
    initializationOptions: { trusted: true },
    capabilities: { window: { workDoneProgress: true } },
  });
  trusted.conn.onUnhandledProgress((p) => progress.push(p.value as never));
});
after(async () => {
  await trusted?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const block = (file: string, extra = '') => `search s {\n  maximize nb201.acc\n  measurements "${file}"\n  measure "node measure.js"\n  jobs 2\n  batch 3${extra}\n}\n`;
const lenses = (c: LspClient, uri: string) => c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
const runCmd = <R>(c: LspClient, uri: string) => c.request<R>('workspace/executeCommand', { command: 'ncp.runSearch', arguments: [{ uri, name: 's' }] });
type Outcome = { ran: boolean; measured?: number; failed?: number; stopped?: boolean; reason?: string };
const rowsOf = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ok: boolean; cell?: string });

test('untrusted (the client says nothing): no Run lens, and the command is refused', async () => {
  const c = await startClient({});
  try {
    const uri = pathToFileURL(join(dir, 'untrusted.ncp')).href;
    await c.open(uri, block('untrusted.jsonl'));
    const ls = await lenses(c, uri);
    assert.ok(ls.some((l) => l.command?.command === 'ncp.suggestNetworks'), 'the other lenses are there');
    assert.ok(!ls.some((l) => l.command?.command === 'ncp.runSearch'));
    const out = await runCmd<Outcome>(c, uri);
    assert.equal(out.ran, false);
    assert.match(out.reason ?? '', /trust/);
    assert.ok(!existsSync(join(dir, 'untrusted.jsonl')), 'nothing ran');
  } finally {
    await c.stop();
  }
});

test('trusted: the lens runs the loop, appending each measurement; progress names running, queued, done, failed', async () => {
  const uri = pathToFileURL(join(dir, 'run.ncp')).href;
  await trusted.open(uri, `${block('run.jsonl')}\nsearch t { maximize nb201.acc; measurements "t.jsonl" }\n`);
  const ls = await lenses(trusted, uri);
  const run = ls.filter((l) => l.command?.command === 'ncp.runSearch');
  assert.equal(run.length, 1, 'only the block with measure gets the lens');
  assert.equal(run[0].command!.title, '▶ Run search');
  const out = await runCmd<Outcome>(trusted, uri);
  assert.deepEqual(out, { ran: true, measured: 3, failed: 0 });
  const rows = rowsOf(join(dir, 'run.jsonl'));
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.ok && r.cell));
  assert.ok(existsSync(join(dir, 'run')), 'each measurement ran in its folder beside the file (run.jsonl → run/)');
  const messages = progress.filter((p) => p.kind === 'report').map((p) => p.message ?? '');
  assert.ok(messages.some((m) => /\d+ running, \d+ queued, \d+ done, \d+ failed/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => m.includes('3 done')), messages.join('\n'));
  // a second run continues the file: 3 more, none repeated
  await runCmd<Outcome>(trusted, uri);
  const again = rowsOf(join(dir, 'run.jsonl'));
  assert.equal(again.length, 6);
  assert.equal(new Set(again.map((r) => r.cell)).size, 6);
});

test('Stop ends every running measurement (process groups), the file stays whole; hover says measuring', async () => {
  const sub = mkdtempSync(join(dir, 'stop-'));
  writeFileSync(join(sub, 'measure.js'), SCRIPT);
  writeFileSync(join(sub, 'slow'), '');
  const uri = pathToFileURL(join(sub, 'stop.ncp')).href;
  await trusted.open(uri, block('stop.jsonl'));
  const running = runCmd<Outcome>(trusted, uri);
  const pids = () => {
    const { readdirSync } = require('node:fs') as typeof import('node:fs');
    return readdirSync(sub).filter((f) => f.startsWith('pid-')).map((f) => ({ pid: Number(f.slice(4)), cell: readFileSync(join(sub, f), 'utf8') }));
  };
  await trusted.waitFor(() => pids().length === 2, 60_000);
  // the hover on a network being measured
  const cell = pids()[0].cell;
  await trusted.change(uri, `${block('stop.jsonl')}\ncell m = "${cell}"\n`);
  const h = await trusted.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 5 } });
  assert.match((h.contents as { value: string }).value, /\*\*Measuring\*\* \(search `s`\): attempt 1, running for \d+ s/);
  const stop = await trusted.request<{ stopped: boolean }>('workspace/executeCommand', { command: 'ncp.stopSearch', arguments: [{ uri, name: 's' }] });
  assert.equal(stop.stopped, true);
  const out = await running;
  assert.equal(out.stopped, true);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await trusted.waitFor(() => pids().every((p) => !alive(p.pid)), 20_000);
  const file = join(sub, 'stop.jsonl');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    assert.ok(text === '' || text.endsWith('\n'));
    rowsOf(file);
  }
  const h2 = await trusted.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 5 } });
  assert.doesNotMatch((h2?.contents as { value: string } | undefined)?.value ?? '', /Measuring/);
});

test('failed measurements are recorded, counted in the outcome and the progress, not fatal', async () => {
  const sub = mkdtempSync(join(dir, 'fail-'));
  writeFileSync(join(sub, 'fail.js'), `process.stderr.write('no GPU'); process.exit(3);\n`);
  const uri = pathToFileURL(join(sub, 'fail.ncp')).href;
  await trusted.open(uri, `search s {\n  maximize nb201.acc\n  measurements "fail.jsonl"\n  measure "node fail.js"\n  batch 2\n}\n`);
  const before = progress.length;
  const out = await runCmd<Outcome>(trusted, uri);
  assert.deepEqual(out, { ran: true, measured: 2, failed: 2 });
  const rows = rowsOf(join(sub, 'fail.jsonl'));
  assert.deepEqual(rows.map((r) => r.ok), [false, false]);
  const messages = progress.slice(before).filter((p) => p.kind === 'report').map((p) => p.message ?? '');
  assert.ok(messages.some((m) => m.includes('0 done, 2 failed')), messages.join('\n'));
});

test('retries N: a failure that looks like the infrastructure\'s is measured again as a new attempt', async () => {
  const sub = mkdtempSync(join(dir, 'retry-'));
  // The first attempt of each measurement dies (a lost node, say); the second measures.
  writeFileSync(join(sub, 'flaky.js'), `if (process.env.NCP_ATTEMPT === '1') process.exit(137);\nconsole.log(JSON.stringify({ nb201: { acc: 42 } }));\n`);
  const uri = pathToFileURL(join(sub, 'retry.ncp')).href;
  const text = (retries: string) => `search s {\n  maximize nb201.acc\n  measurements "retry.jsonl"\n  measure "node flaky.js"\n  batch 1${retries}\n}\n`;
  await trusted.open(uri, text(''));
  assert.deepEqual(await runCmd<Outcome>(trusted, uri), { ran: true, measured: 1, failed: 1 }, 'without retries: a failure');
  await trusted.change(uri, text('\n  retries 1'));
  assert.deepEqual(await runCmd<Outcome>(trusted, uri), { ran: true, measured: 1, failed: 0 });
  const rows = rowsOf(join(sub, 'retry.jsonl')) as { ok: boolean; attempts?: number }[];
  assert.deepEqual(rows.map((r) => [r.ok, r.attempts]), [[false, 1], [true, 2]]);
});

test('Run search is warm as ncprop search is: the same networks for the same block and seed (not the cold loop\'s)', async () => {
  const sub = mkdtempSync(join(dir, 'parity-'));
  writeFileSync(join(sub, 'measure.js'), SCRIPT);
  const uri = pathToFileURL(join(sub, 'parity.ncp')).href;
  await trusted.open(uri, `search s {\n  maximize nb201.acc\n  measurements "editor.jsonl"\n  measure "node measure.js"\n  batch 8\n  seed 5\n}\n`);
  assert.deepEqual(await runCmd<Outcome>(trusted, uri), { ran: true, measured: 8, failed: 0 });
  const cli = (out: string, ...more: string[]) => ncp(['search', '--measure', 'node measure.js', '--to', 'nb201.acc', '--queries', '8', '--seed', '5', '--out', join(sub, out), ...more], sub);
  assert.equal((await cli('cli.jsonl')).status, 0);
  assert.equal((await cli('cold.jsonl', '--prior', 'none')).status, 0);
  const cells = (f: string) => rowsOf(join(sub, f)).map((r) => r.cell);
  assert.deepEqual(cells('editor.jsonl'), cells('cli.jsonl'));
  assert.notDeepEqual(cells('editor.jsonl'), cells('cold.jsonl'), 'the cold loop proposes other networks after its first five');
});
