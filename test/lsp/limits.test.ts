// Issue 14 items 1 and 3: a number the user typed never makes the server expand, allocate or loop
// without bound. A network with a hundred million blocks still gets its code actions at once (the
// PyTorch text uses a repetition, not one line per block) and exact FLOPs in its hover; steps and
// restarts past their limits get a diagnostic that names the limit, on the number itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { startClient, positionOf, type LspClient } from './harness';
import { LIMITS } from '../../server/src/core/limits';

let client: LspClient;
let n = 0;
const fresh = () => `file:///limits${++n}.ncp`;

before(async () => {
  client = await startClient({ initializationOptions: { predictors: false } });
});
after(async () => {
  await client.stop();
});

const HUGE = 'network n = [16, 64, 100000000, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]\n';

test('code actions on a network of 1e8 blocks answer fast and small (no per-block expansion)', async () => {
  const uri = fresh();
  await client.open(uri, HUGE);
  const t0 = performance.now();
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } },
    context: { diagnostics: [] },
  });
  const ms = performance.now() - t0;
  const copy = actions.find((a) => a.title.startsWith("Copy 'n' as PyTorch"));
  assert.ok(copy, `a copy action: ${actions.map((a) => a.title).join('; ')}`);
  const text = String(copy.command!.arguments![0]);
  assert.ok(text.length < 2000, `the PyTorch text is ${text.length} characters`);
  assert.match(text, /\*\[\[1, \[3\], \[128\]\]\] \* 100000000,/);
  assert.ok(ms < 1000, `code actions took ${ms.toFixed(0)} ms`);
  assert.ok(client.alive());
});

test('blocks 1e308 keep the server alive and the hover still gives an answer', async () => {
  const uri = fresh();
  const text = HUGE.replace('100000000', '1e308');
  await client.open(uri, text);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } },
    context: { diagnostics: [] },
  });
  assert.ok(Array.isArray(actions));
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'n =') });
  assert.ok(hover === null || typeof hover === 'object');
  assert.ok(client.alive());
});

test('a huge network still gets its exact FLOPs in the hover (the cost is analytic)', async () => {
  const uri = fresh();
  await client.open(uri, HUGE);
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(HUGE, 'n =') });
  const md = hover ? JSON.stringify(hover.contents) : '';
  assert.match(md, /FLOPs/i);
});

for (const [option, value, limit] of [
  ['restarts', '1000000', LIMITS.restarts],
  ['restarts', '1e308', LIMITS.restarts],
  ['steps', '1e9', LIMITS.steps],
] as const) {
  test(`'${option} ${value}' in a propagate block gets a diagnostic naming the limit ${limit}, on the number`, async () => {
    const uri = fresh();
    const text = `network a = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]\npropagate p from a {\n  maximize seg.mIoU\n  ${option} ${value}\n}\n`;
    const diags = (await client.open(uri, text)).diagnostics as Diagnostic[];
    const d = diags.find((x) => x.code === 'too-large');
    assert.ok(d, `diagnostics: ${diags.map((x) => x.message).join('; ')}`);
    assert.equal(d.severity, 1);
    assert.match(typeof d.message === "string" ? d.message : d.message.value, new RegExp(`${option} is at most ${limit.toLocaleString('en-US')}`));
    const at = positionOf(text, value);
    assert.deepEqual(d.range.start, at);
    assert.equal(d.range.end.character - d.range.start.character, value.length);
    // its quick fix writes the limit
    const fixes = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const fix = fixes.find((f) => f.kind === 'quickfix');
    assert.ok(fix, 'a quick fix');
    assert.match(fix.title, new RegExp(String(limit)));
  });
}
