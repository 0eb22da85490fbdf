// ncp.benchmark.path takes any data the CLI reads: the authors' data/ folder of pickles and a
// CSV of your own measurements (both generated here at run time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { startClient, positionOf } from './harness';
import { codeToString } from '../../server/src/core/space/multires';
import { fakeMetric, writeAuthorsFolder } from '../data/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'ncp-lsp-data-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function hoverOn(path: string, code: number[]): Promise<string> {
  const text = `network mine = [${code.join(', ')}]\n`;
  const c = await startClient({ settings: { ncp: { benchmark: { path } } }, initializationOptions: { predictors: false } });
  try {
    await c.open('file:///d.ncp', text);
    await c.waitFor(() => (c.serverRequests.get('workspace/configuration') ?? 0) > 0);
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: 'file:///d.ncp' }, position: positionOf(text, 'mine', 2) });
    return (h.contents as { value: string }).value;
  } finally {
    await c.stop();
  }
}

test("hover's measured values from the authors' folder of pickles", async () => {
  const root = join(dir, 'data');
  const { codes } = writeAuthorsFolder(root, 12);
  const md = await hoverOn(root, codes[4]);
  assert.match(md, new RegExp(`\\| seg \\| mIoU \\| [^|]+ \\| ${fakeMetric(codes[4], 50).toFixed(2)} \\(measured\\) \\|`));
  assert.match(md, /\| cls-10c \| top1 \|/);
  assert.match(md, /Measured values: .*data/);
});

test("hover's measured values from a CSV of your own measurements", async () => {
  const { codes } = writeAuthorsFolder(join(dir, 'unused'), 3);
  const csv = join(dir, 'mine.csv');
  writeFileSync(csv, `code,setting,mIoU,mAcc,aAcc\n${codeToString(codes[1])},seg,66.25,75,93\n`);
  const md = await hoverOn(csv, codes[1]);
  assert.match(md, /\| seg \| mIoU \| [^|]+ \| 66\.25 \(measured\) \|/);
  assert.match(md, /Measured values: .*mine\.csv/);
});

test("hover's measured values from a search's measurements file (ncprop search --out), failures skipped", async () => {
  const { codes } = writeAuthorsFolder(join(dir, 'unused-search'), 3);
  const out = join(dir, 'runs.jsonl');
  writeFileSync(out, [
    JSON.stringify({ space: 'multires', code: codes[0], ok: false, error: 'timed out after 3600 s', seconds: 3600 }),
    JSON.stringify({ space: 'multires', code: codes[2], metrics: { seg: { mIoU: 71.5, mAcc: 80, aAcc: 95 } }, ok: true, seconds: 3521.2 }),
  ].join('\n') + '\n');
  const md = await hoverOn(out, codes[2]);
  assert.match(md, /\| seg \| mIoU \| [^|]+ \| 71\.50 \(measured\) \|/);
  assert.match(md, /Measured values: .*runs\.jsonl/);
});
