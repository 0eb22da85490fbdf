// Bad input never crashes the server: thousands of random and mutated documents (truncations,
// swapped tokens, random characters, 1 MB lines, deep nesting) each get a diagnostics response,
// features answer on a sample of them without failing, and the process stays up.
// The seed is printed; rerun one with NCP_FUZZ_SEED=<seed> (NCP_FUZZ_COUNT sets the count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startClient, root } from './harness';
import { analyzeText } from '../../server/src/language/analyze';
import { makeRng } from '../../server/src/core/random';


const SEED = process.env.NCP_FUZZ_SEED ? Number(process.env.NCP_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const COUNT = process.env.NCP_FUZZ_COUNT ? Number(process.env.NCP_FUZZ_COUNT) : 10_000;

const VOCAB = [
  'network', 'cell', 'propagate', 'from', 'stem', 'stage', 'head', 'blocks', 'units', 'channels', 'maximize',
  'flops', 'params', 'lambda', 'strategy', 'steps', 'lr', 'restarts', 'seed', '{', '}', '[', ']', ',', '.', '*', '=',
  '<=', ';', '"', '/*', '*/', '//', '\n', ' ', '0', '-1', '1e400', '3.5', '64', '128', '999999999999999999999',
  'seg', 'seg-4x.mIoU', 'cls-50-1000', 'winner-takes-all', 'G', 'M', '"16_16-1_1_1_8-1_2_1_1_8_8-1_3_1_1_1_8_8_8-1_4_1_1_1_1_8_8_8_8-8"',
  '"|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"', '\u0000', '\uD800', '\uFEFF', '\r\n', '\t', 'é', '😀',
];

function corpus(): string[] {
  const docs = [readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8')];
  docs.push(
    'network a = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]\n' +
      'propagate p from a {\n  maximize 0.5 * classification\n  params <= 3 M\n  steps 10\n}\n',
  );
  return docs;
}

function tokens(text: string): string[] {
  return text.split(/(\s+|[{}[\],.*="])/).filter((t) => t.length > 0);
}

function mutate(base: string, rand: () => number, i: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const at = () => Math.floor(rand() * (base.length + 1));
  // A few very large inputs, spread over the run (they are slow to analyse by nature).
  if (i % 2500 === 1249) return 'network big = [' + '1, '.repeat(350_000) + ']\n'; // ~1 MB line
  if (i % 2500 === 2499) return base + '\n// ' + 'x'.repeat(1_000_000) + '\nnetwork z { stem 8 8 }';
  if (i % 1000 === 500) return 'network deep ' + '{'.repeat(20_000) + '}'.repeat(rand() < 0.5 ? 0 : 20_000);
  if (i % 1000 === 750) return 'network deep = ' + '['.repeat(20_000) + '1' + ']'.repeat(20_000);
  switch (Math.floor(rand() * 9)) {
    case 0: // truncation
      return base.slice(0, at());
    case 1: {
      // swap two tokens
      const t = tokens(base);
      const a = Math.floor(rand() * t.length);
      const b = Math.floor(rand() * t.length);
      [t[a], t[b]] = [t[b], t[a]];
      return t.join('');
    }
    case 2: {
      // random characters (any UTF-16 unit, lone surrogates and controls included)
      const n = 1 + Math.floor(rand() * 200);
      let s = '';
      for (let k = 0; k < n; k++) s += String.fromCharCode(Math.floor(rand() * (rand() < 0.7 ? 128 : 65536)));
      const p = at();
      return base.slice(0, p) + s + base.slice(p);
    }
    case 3: {
      // insert vocabulary tokens
      let s = base;
      for (let k = 0, n = 1 + Math.floor(rand() * 6); k < n; k++) {
        const p = Math.floor(rand() * (s.length + 1));
        s = s.slice(0, p) + pick(VOCAB) + s.slice(p);
      }
      return s;
    }
    case 4: {
      // delete a range
      const a = at();
      return base.slice(0, a) + base.slice(Math.min(base.length, a + Math.floor(rand() * 80)));
    }
    case 5: {
      // duplicate a range
      const a = at();
      const b = Math.min(base.length, a + Math.floor(rand() * 300));
      return base.slice(0, b) + base.slice(a, b) + base.slice(b);
    }
    case 6: {
      // replace every number by an extreme one
      const extremes = ['0', '-8', '1e308', '0.5', '123456789012345678901234567890', '-0', '.', '1e-400', '007'];
      return base.replace(/\d+/g, (m) => (rand() < 0.3 ? pick(extremes) : m));
    }
    case 7: {
      // a document made only of random vocabulary
      let s = '';
      for (let k = 0, n = Math.floor(rand() * 120); k < n; k++) s += pick(VOCAB) + (rand() < 0.5 ? ' ' : '');
      return s;
    }
    default: {
      // random bytes, decoded leniently as a file from disk would be
      const n = Math.floor(rand() * 400);
      const bytes = Buffer.alloc(n);
      for (let k = 0; k < n; k++) bytes[k] = Math.floor(rand() * 256);
      return bytes.toString('utf8');
    }
  }
}

test(`fuzz: ${COUNT} random and mutated documents never crash the server (seed ${SEED})`, async () => {
  console.log(`[fuzz] seed ${SEED} (set NCP_FUZZ_SEED to reproduce), ${COUNT} documents`);
  const rand = makeRng(SEED);
  // A low threshold puts most documents on the incremental analysis path too. Predictors take part
  // when a trained set is at hand (shipped, or NCP_MODELS_DIR), so hovers and hints predict garbage too.
  const { defaultModelsDir } = await import('../../server/src/core/predict/store');
  const modelsDir = process.env.NCP_MODELS_DIR || defaultModelsDir();
  const withPredictors = existsSync(join(modelsDir, 'manifest.json'));
  console.log(`[fuzz] predictors: ${withPredictors ? modelsDir : 'none (exact cost only)'}`);
  const client = await startClient({ initializationOptions: { predictors: withPredictors, modelsDir, incrementalMinChars: 400 } });
  const uri = 'file:///fuzz.ncp';
  const bases = corpus();
  const featureFailures: string[] = [];
  try {
    await client.open(uri, bases[0]);
    let current = bases[0];
    for (let i = 0; i < COUNT; i++) {
      const base = rand() < 0.6 ? current : bases[Math.floor(rand() * bases.length)];
      const next = mutate(base, rand, i);
      // Keep mutating the same lineage for a while (compounding damage), then restart from clean text.
      current = next.length < 200_000 && rand() < 0.8 ? next : bases[0];
      let diags;
      if (rand() < 0.3 && next.length < 200_000) {
        // An incremental edit: replace a random range of the current text.
        const text = client.text(uri);
        const lines = text.split('\n');
        const line = Math.floor(rand() * lines.length);
        const ch = Math.floor(rand() * (lines[line].length + 1));
        diags = await client.edit(uri, { start: { line, character: ch }, end: { line, character: Math.min(lines[line].length, ch + 3) } }, mutate('x', rand, 1));
      } else {
        diags = await client.change(uri, next);
      }
      assert.ok(Array.isArray(diags.diagnostics), `iteration ${i}: a diagnostics response`);
      if (i % 25 === 0) {
        // The server's (mostly incremental) analysis agrees with a whole-text analysis of the same text.
        const key = (d: { code?: unknown; message: unknown; range: { start: { line: number; character: number }; end: { line: number; character: number } } }) =>
          `${String(d.code)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.message)}`;
        const expected = analyzeText(client.text(uri)).diagnostics.slice(0, 1000).map(key);
        assert.deepEqual(diags.diagnostics.map(key), expected, `iteration ${i}: diagnostics differ from a whole-text analysis (seed ${SEED})`);
      }
      if (i % 50 === 0) {
        const text = client.text(uri);
        const lines = text.split('\n');
        const line = Math.floor(rand() * lines.length);
        const position = { line, character: Math.floor(rand() * ((lines[line]?.length ?? 0) + 2)) };
        const td = { textDocument: { uri } };
        const requests: [string, unknown][] = [
          ['textDocument/hover', { ...td, position }],
          ['textDocument/completion', { ...td, position }],
          ['textDocument/documentSymbol', td],
          ['textDocument/foldingRange', td],
          ['textDocument/semanticTokens/full', td],
          ['textDocument/inlayHint', { ...td, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } }],
          ['textDocument/codeAction', { ...td, range: { start: position, end: position }, context: { diagnostics: diags.diagnostics.slice(0, 20) } }],
          ['textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } }],
          ['textDocument/definition', { ...td, position }],
          ['textDocument/references', { ...td, position, context: { includeDeclaration: true } }],
          ['textDocument/prepareRename', { ...td, position }],
        ];
        for (const [method, params] of requests) {
          try {
            await client.request(method, params);
          } catch (e) {
            featureFailures.push(`${method} at iteration ${i}: ${(e as Error).message}`);
          }
        }
      }
      if (!client.alive()) assert.fail(`server exited at iteration ${i} (seed ${SEED})`);
    }
    const serverFailures = client.log.filter((l) => /failed|uncaught|unhandled/i.test(l));
    assert.deepEqual(featureFailures, [], `requests answered with errors (seed ${SEED})`);
    assert.deepEqual(serverFailures.slice(0, 5), [], `server logged failures (seed ${SEED})`);
    assert.ok(client.alive(), 'the server is still running');
  } finally {
    await client.stop();
  }
});
