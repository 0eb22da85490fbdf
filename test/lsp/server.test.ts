// Server-level behaviour over JSON-RPC: settings (workspace/configuration and defaults), the
// `ncp lsp` CLI entry with stdio and node IPC, measured values from a benchmark file, and a
// corrupt predictor file that must not take anything else down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import type { Hover, InlayHint, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { corruptModelsDir, startClient, root, positionOf } from './harness';
import { findDataDir } from '../../server/src/core/benchmark';
import { HR_NETWORK } from '../language/fixtures';

const NET = HR_NETWORK;
const range = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };

test('settings come from workspace/configuration; hints follow ncp.hints.enabled', async () => {
  const off = await startClient({ settings: { ncp: { hints: { enabled: false }, propagation: { lambda: 0.25, steps: 'many' } } }, initializationOptions: { predictors: false } });
  try {
    await off.open('file:///s.ncp', NET);
    await off.waitFor(() => (off.serverRequests.get('workspace/configuration') ?? 0) > 0);
    const status = await off.request<{ settings: { hints: { enabled: boolean; settings: string[] }; propagation: { lambda: number; steps: number; strategy: string } } }>('ncp/status', null);
    assert.equal(status.settings.hints.enabled, false);
    assert.deepEqual(status.settings.hints.settings, ['seg', 'cls-50-1000'], 'unset values take their defaults');
    assert.equal(status.settings.propagation.lambda, 0.25);
    assert.equal(status.settings.propagation.steps, 70, 'a wrong type falls back to the default');
    assert.deepEqual(await off.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: 'file:///s.ncp' }, range }), []);
    // The snippet for a new propagation uses the configured defaults.
    const items = await off.request<{ label: string; insertText?: string }[]>('textDocument/completion', { textDocument: { uri: 'file:///s.ncp' }, position: { line: 8, character: 0 } });
    assert.match(items.find((i) => i.label === 'propagate')!.insertText!, /lambda 0\.25[\s\S]*steps 70/);
  } finally {
    await off.stop();
  }
  // Without workspace/configuration support: defaults (or initializationOptions.settings).
  const plain = await startClient({ initializationOptions: { predictors: false } });
  try {
    await plain.open('file:///s.ncp', NET);
    const status = await plain.request<{ settings: { hints: { enabled: boolean; settings: string[] }; predictor: { backend: string }; propagation: { strategy: string } } }>('ncp/status', null);
    assert.deepEqual(status.settings.hints, { enabled: true, settings: ['seg', 'cls-50-1000'] });
    assert.equal(status.settings.predictor.backend, 'auto');
    assert.equal(status.settings.propagation.strategy, 'winner-takes-all');
    assert.equal(plain.serverRequests.get('workspace/configuration') ?? 0, 0, 'never asks a client that cannot answer');
    assert.equal((await plain.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: 'file:///s.ncp' }, range })).length, 1);
  } finally {
    await plain.stop();
  }
});

test('`ncp lsp --stdio` serves the same language server', async () => {
  const c = await startClient({ command: [join(root, 'bin/ncp.js'), 'lsp', '--stdio'], initializationOptions: { predictors: false } });
  try {
    assert.ok(c.init.capabilities.hoverProvider);
    const d = await c.open('file:///cli.ncp', NET.replace('channels [64]', 'channels [65]'));
    assert.deepEqual(d.diagnostics.map((x) => x.code), ['out-of-range']);
  } finally {
    await c.stop();
  }
});

test('`ncp lsp --node-ipc` talks over the node IPC channel', async () => {
  await startClient({ initializationOptions: { predictors: false } }).then((c) => c.stop()); // builds dist/ once
  const proc = fork(join(root, 'bin/ncp.js'), ['lsp', '--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const conn = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
  const diags = new Promise<PublishDiagnosticsParams>((resolve) => conn.onNotification('textDocument/publishDiagnostics', resolve));
  conn.listen();
  try {
    const init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { predictors: false, diagnosticsDelayMs: 0 } })) as {
      capabilities: { hoverProvider?: boolean };
    };
    assert.ok(init.capabilities.hoverProvider);
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///ipc.ncp', languageId: 'ncp', version: 1, text: 'network x = [1, 2]' } });
    assert.deepEqual((await diags).diagnostics.map((d) => d.code), ['code-length']);
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    await new Promise((r) => proc.once('exit', r));
  } finally {
    conn.dispose();
    if (proc.exitCode === null) proc.kill();
  }
});

test('`ncp lsp` without a transport is a usage error', async () => {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(root, 'bin/ncp.js'), 'lsp'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /choose a transport/);
});

const dataDir = findDataDir();
test('hover shows measured values, marked as measured, when ncp.benchmark.path holds the network', { skip: dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR)' }, async () => {
  const path = join(dataDir!, 'nasbench-mr.json');
  const bench = JSON.parse(readFileSync(path, 'utf8')) as { archs: { code: number[] }[] };
  const code = bench.archs[0].code; // read at run time, never copied into the repository
  const text = `network inbench = [${code.join(', ')}]\n${NET}`;
  const c = await startClient({ settings: { ncp: { benchmark: { path } } }, initializationOptions: { predictors: false } });
  try {
    await c.open('file:///m.ncp', text);
    await c.waitFor(() => (c.serverRequests.get('workspace/configuration') ?? 0) > 0);
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: 'file:///m.ncp' }, position: positionOf(text, 'inbench', 2) });
    const md = (h.contents as { value: string }).value;
    assert.match(md, /\| seg \| mIoU \| [^|]+ \| \d+\.\d\d \(measured\) \|/);
    assert.match(md, /Measured values: .*nasbench-mr\.json/);
    // A network outside the benchmark shows no measured column.
    const h2 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: 'file:///m.ncp' }, position: positionOf(text, 'hr {', 1) });
    assert.doesNotMatch((h2.contents as { value: string }).value, /measured/);
  } finally {
    await c.stop();
  }
});

test('a bad ncp.benchmark.path is logged once and hovers keep working', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-lsp-'));
  const bad = join(dir, 'bench.json');
  writeFileSync(bad, '{ not json');
  const c = await startClient({ settings: { ncp: { benchmark: { path: bad } } }, initializationOptions: { predictors: false } });
  try {
    await c.open('file:///b.ncp', NET);
    await c.waitFor(() => (c.serverRequests.get('workspace/configuration') ?? 0) > 0);
    for (let i = 0; i < 3; i++) {
      const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: 'file:///b.ncp' }, position: { line: 0, character: 9 } });
      assert.match((h.contents as { value: string }).value, /FLOPs \*\*/);
    }
    assert.equal(c.log.filter((l) => l.includes('is not valid JSON')).length, 1, c.log.join('\n'));
  } finally {
    await c.stop();
  }
});

test('a corrupt predictor file is reported once; diagnostics, hovers and exact-cost hints keep working', async () => {
  const dir = corruptModelsDir();
  const c = await startClient({ initializationOptions: { modelsDir: dir } });
  const uri = 'file:///p.ncp';
  try {
    const d = await c.open(uri, NET.replace('channels [64]', 'channels [65]'));
    assert.deepEqual(d.diagnostics.map((x) => x.code), ['out-of-range'], 'diagnostics never wait for the predictors');
    await c.waitFor(() => (c.serverRequests.get('ncp/predictorState') ?? 0) >= 2);
    const status = await c.request<{ predictors: { kind: string; message?: string } }>('ncp/status', null);
    assert.equal(status.predictors.kind, 'failed');
    assert.match(status.predictors.message!, /seg\.json.*checksum mismatch/);
    for (let i = 0; i < 3; i++) {
      const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
      const md = (h.contents as { value: string }).value;
      assert.match(md, /FLOPs \*\*/);
      assert.match(md, /Predictions unavailable: .*checksum mismatch/);
      const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range });
      assert.match(String(hints[0].label), /^\d+\.\d\d G$/);
      await c.change(uri, NET + `// edit ${i}\n`);
    }
    assert.equal(c.log.filter((l) => l.includes('predictors unavailable')).length, 1, c.log.join('\n'));
    assert.ok(c.alive());
  } finally {
    await c.stop();
  }
});

test('inlay hints and hovers add predictions (mean ± spread) once the predictors load in the background', async (t) => {
  const { defaultModelsDir } = await import('../../server/src/core/predict/store');
  const { existsSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  let dir = process.env.NCP_MODELS_DIR || defaultModelsDir();
  if (!existsSync(join(dir, 'manifest.json'))) {
    // No shipped set yet: train a tiny real one (2 settings, 3 epochs, 2 members; a few seconds).
    if (!dataDir) {
      t.skip('no trained predictors and no benchmark data to train some (set NCP_MODELS_DIR or NCP_DATA_DIR)');
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'ncp-tiny-models-'));
    const r = spawnSync(process.execPath, [join(root, 'bin/ncp.js'), 'train', '--data', join(dataDir, 'nasbench-mr.json'), '--out', dir, '--settings', 'seg,cls-50-1000', '--epochs', '3', '--members', '2', '--teacher', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  // Default hint settings (seg, cls-50-1000); no settings change, so a hint refresh can only come from the predictors.
  const c = await startClient({ initializationOptions: { modelsDir: dir } });
  const uri = 'file:///h.ncp';
  try {
    await c.open(uri, NET);
    // The server asks the editor to refresh hints when the predictors are ready.
    await c.waitFor(() => (c.serverRequests.get('workspace/inlayHint/refresh') ?? 0) > 0, 120_000);
    const status = await c.request<{ predictors: { kind: string; settings: string[] } }>('ncp/status', null);
    assert.equal(status.predictors.kind, 'ready');
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range });
    const label = String(hints[0].label);
    // the headline within VS Code's 43 characters (the first setting, then the cost); the full line in the tooltip
    assert.match(label, /^seg mIoU -?\d+\.\d±\d+\.\d · \d+\.\d\d G$/);
    assert.match(String((hints[0].tooltip as { value?: string } | undefined)?.value), /\*\*cls-50-1000\*\* top1 -?\d+\.\d ± \d+\.\d/);
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 9 } });
    const md = (h.contents as { value: string }).value;
    assert.match(md, /\| setting \| metric \| predicted \(mean ± spread\) \|/);
    assert.match(md, /\| seg \| mIoU \| -?\d+\.\d ± \d+\.\d \|/);
    // Typing changes the prediction of the edited network only; hints follow the new text.
    await c.change(uri, NET.replace('head     128', 'head     8'));
    const after = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range });
    assert.notEqual(String(after[0].label), label);
  } finally {
    await c.stop();
  }
});
