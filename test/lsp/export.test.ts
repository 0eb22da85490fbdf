// "Export Network…" against the real language server: the code action on a network, and the
// ncp/exportNetwork request the client command sends (every format, the target, errors).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { startClient, type LspClient } from './harness';
import type { ExportAnswer } from '../../server/src/features/export/exportProtocol';
import { readOnnxSummary } from '../../server/src/core/export/onnx';
import { torchArgsToCode } from '../../server/src/core/space/multires';
import { cost } from '../../server/src/core/cost';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';

const URI = 'file:///tmp/export.ncp';
const TEXT = `network small = "16_16-1_1_1_16-1_2_1_1_16_32-1_3_1_1_1_16_32_64-1_4_1_1_1_1_16_32_64_128-64"
network broken = [16, 16, 1]
`;
const SMALL = [16, 16, 1, 1, 16, 1, 1, 1, 16, 32, 1, 1, 1, 1, 16, 32, 64, 1, 1, 1, 1, 1, 16, 32, 64, 128, 64];
let client: LspClient;

before(async () => {
  client = await startClient({ initializationOptions: { predictors: false } });
  await client.open(URI, TEXT);
});

after(async () => {
  await client?.stop();
});

test('a network offers "Export …" (the client command with its uri and name)', async () => {
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: URI },
    range: { start: { line: 0, character: 10 }, end: { line: 0, character: 10 } },
    context: { diagnostics: [] },
  });
  const a = actions.find((x) => x.title === "Export 'small'…");
  assert.ok(a, actions.map((x) => x.title).join(', '));
  assert.equal(a.command?.command, 'ncp.exportNetwork');
  assert.deepEqual(a.command?.arguments, [{ uri: URI, network: 'small' }]);
});

test('ncp/exportNetwork: PyTorch, ONNX (base64) and authors at the asked target; errors say why', async () => {
  const py = await client.request<ExportAnswer>('ncp/exportNetwork', { uri: URI, network: 'small', format: 'pytorch', head: 'seg', input: [512, 1024] });
  assert.equal(py.ok, true, py.error);
  assert.equal(py.encoding, 'utf8');
  assert.equal(py.fileName, 'small.py');
  assert.match(py.data!, /^HEAD = "seg"/m);
  assert.match(py.data!, new RegExp(`^MACS = ${py.macs}$`, 'm'));
  assert.equal(py.target, '3×512×1024 input, segmentation head, 19 classes');

  const onnx = await client.request<ExportAnswer>('ncp/exportNetwork', { uri: URI, network: 'small', format: 'onnx', head: 'cls', input: [96, 64], classes: 7 });
  assert.equal(onnx.ok, true, onnx.error);
  assert.equal(onnx.encoding, 'base64');
  const s = readOnnxSummary(Buffer.from(onnx.data!, 'base64'));
  assert.deepEqual(s.inputShape, ['batch', 3, 96, 64]);
  assert.deepEqual(s.outputShape, ['batch', 7]);
  assert.equal(s.params, onnx.params);

  const au = await client.request<ExportAnswer>('ncp/exportNetwork', { uri: URI, network: 'small', format: 'authors' });
  assert.equal(au.ok, true, au.error);
  assert.deepEqual(torchArgsToCode(JSON.parse(au.data!)), SMALL);

  const broken = await client.request<ExportAnswer>('ncp/exportNetwork', { uri: URI, network: 'broken', format: 'authors' });
  assert.deepEqual(broken, { ok: false, error: "'broken' is not a valid network (see its diagnostics)" });
  const missing = await client.request<ExportAnswer>('ncp/exportNetwork', { uri: URI, network: 'nope', format: 'authors' });
  assert.equal(missing.error, "no network 'nope' in the document");
  const format = await client.request<ExportAnswer>('ncp/exportNetwork', { uri: URI, network: 'small', format: 'tflite' });
  assert.match(format.error!, /format must be pytorch, onnx, authors/);
  const size = await client.request<ExportAnswer>('ncp/exportNetwork', { uri: URI, network: 'small', format: 'onnx', input: [0, 5] });
  assert.match(size.error!, /input height must be an integer from 1/);
});

test('hover: the cost at the input size and head of the settings the file targets, beside 128×128', async () => {
  const uri = 'file:///tmp/export-hover.ncp';
  await client.open(uri, `${TEXT}propagate to_seg from small {\n  maximize seg.mIoU\n  flops <= 40 G\n}\n`);
  const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 10 } });
  const md = (h.contents as MarkupContent).value;
  assert.match(md, /\(exact; 128×128 input, 50-class head\)/);
  const seg = cost(SMALL, { input: [512, 1024], head: 'seg' });
  assert.ok(md.includes(`at 512×1024, segmentation head (\`seg\`): FLOPs **${seg.flops.toFixed(3)} G** · params **${seg.params.toFixed(3)} M**`), md);
  const plain = await client.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: { line: 0, character: 10 } });
  assert.doesNotMatch((plain.contents as MarkupContent).value, /at 512×1024/, 'no block targets another size: one figure');
});
