// Semantic tokens carry only what the tree knows (language/semantic.ts); everything the lexer alone
// decides — keywords, numbers, strings with their numbers and cell ops, operators, comments — is
// coloured by the TextMate grammar. This test runs the grammar as VS Code does (vscode-textmate on
// the Oniguruma engine) over documents with every construct and checks, for each lexer token left
// without a semantic token, that every character of it gets the matching scope.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';
import { analyzeText, semanticTokens } from '../../server/src/language/analyze';
import * as T from '../../server/src/language/lexer';
import { lex } from '../../server/src/language/lexer';

const root = join(__dirname, '..', '..');
let grammar: IGrammar;

/** The grammar as VS Code loads it; `edit` changes the JSON first (for the test that the check can fail). */
async function loadGrammar(edit?: (raw: { repository: Record<string, unknown> }) => void): Promise<IGrammar> {
  const path = join(root, 'syntaxes', 'ncp.tmLanguage.json');
  let content = readFileSync(path, 'utf8');
  if (edit) {
    const raw = JSON.parse(content) as { repository: Record<string, unknown> };
    edit(raw);
    content = JSON.stringify(raw);
  }
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => (scopeName === 'source.ncp' ? parseRawGrammar(content, path) : null),
  });
  const g = await registry.loadGrammar('source.ncp');
  assert.ok(g, 'the grammar loads');
  return g;
}

before(async () => {
  const wasm = readFileSync(join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  grammar = await loadGrammar();
});

/** The scopes of every character of the text (by offset), as VS Code's tokenizer gives them. */
function scopesByOffset(text: string, g: IGrammar): string[][] {
  const out: string[][] = new Array(text.length);
  let state = INITIAL;
  let offset = 0;
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) for (let i = t.startIndex; i < Math.min(t.endIndex, line.length); i++) out[offset + i] = t.scopes;
    state = r.ruleStack;
    offset += line.length + 1;
  }
  return out;
}

/** Offsets that carry a semantic token. */
function semanticOffsets(text: string): Set<number> {
  const a = analyzeText(text);
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const out = new Set<number>();
  for (const t of semanticTokens(a)) for (let i = 0; i < t.length; i++) out.add(starts[t.line] + t.character + i);
  return out;
}

type Want = (scope: string) => boolean;
const KEYWORD: Want = (s) => s.startsWith('keyword.') || s.startsWith('storage.type');
const NUMBER: Want = (s) => s.startsWith('constant.numeric');
const STRING: Want = (s) => s.startsWith('string.quoted');
const OP: Want = (s) => s.startsWith('support.constant.op');
const COMMENT: Want = (s) => s.startsWith('comment.');
const OPERATOR: Want = (s) => s.startsWith('keyword.operator');

/** Every place where the grammar's scope does not match what the lexer says: "text (kind) at offset". */
function mismatches(text: string, g = grammar): string[] {
  const scopes = scopesByOffset(text, g);
  const semantic = semanticOffsets(text);
  const bad: string[] = [];
  const check = (from: number, to: number, want: Want, kind: string) => {
    for (let i = from; i < to; i++) {
      if (/\s/.test(text[i]) || semantic.has(i)) continue;
      if (!(scopes[i] ?? []).some(want)) {
        bad.push(`${JSON.stringify(text.slice(from, to))} (${kind}) at ${i}: ${(scopes[i] ?? []).join(' ')}`);
        return;
      }
    }
  };
  const lexed = lex(text);
  for (const c of lexed.comments) check(c.startOffset, c.startOffset + c.image.length, COMMENT, 'comment');
  for (const t of lexed.tokens) {
    const from = t.startOffset;
    const to = from + t.image.length;
    if (T.isKeyword(t.tokenType)) check(from, to, KEYWORD, 'keyword');
    else if (t.tokenType === T.NumberTok) check(from, to, NUMBER, 'number');
    else if (t.tokenType === T.LessEq || t.tokenType === T.Star || t.tokenType === T.Equals) check(from, to, OPERATOR, 'operator');
    else if (t.tokenType === T.StringLit || t.tokenType === T.UnterminatedString) {
      check(from, to, STRING, 'string');
      // Inside: digit runs are numbers, cell ops are ops (the old semantic split).
      const ops = [...t.image.matchAll(/\b(none|skip_connect|nor_conv_1x1|nor_conv_3x3|avg_pool_3x3)\b/g)];
      for (const m of ops) check(from + m.index, from + m.index + m[0].length, OP, 'op in a string');
      const inOp = (i: number) => ops.some((m) => i >= m.index && i < m.index + m[0].length);
      for (const m of t.image.matchAll(/\d+/g)) if (!inOp(m.index)) check(from + m.index, from + m.index + m[0].length, NUMBER, 'number in a string');
    }
  }
  return bad;
}

const RICH = `// every construct
/* a block
   comment over lines */
network hr {
  stem     64 64 64
  stage 1  blocks 1  units [4]  channels [32]
  stage 2  blocks 1  units [4, 4]  channels [32, 64]
  head     2048
}
network s = "32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-128"
network l = [88, 128, 1, 1, 128, 1, 1, 4, 120, 32, 2, 1, 2, 4, 128, 128, 128, 1, 1, 1, 1, 1, 32, 128, 8, 8, 128]
cell c = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|"
network head = [1]
propagate p from hr {
  maximize 0.5 * seg-4x.mIoU
  maximize 2 × cls-50-1000
  flops <= 2.5 G
  params ≤ 7 M
  lambda 0.5
  lr 0.1
  strategy winner-takes-all
  steps 70
  restarts 10
  seed 3
  input 512x1024 seg classes 19
}
propagate steps from head { maximize seg; steps 3 }
search s1 {
  maximize seg.mIoU
  flops <= 2.5 G
  measurements "runs.jsonl"
  measure "python3 train.py"
  jobs 4
  batch 3
}
`;

test('the grammar colours every keyword, number, string (with its numbers and ops), operator and comment the semantic tokens leave out', () => {
  assert.deepEqual(mismatches(RICH), []);
});

test('…and so in the bundled examples', () => {
  for (const name of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ncp'))) {
    assert.deepEqual(mismatches(readFileSync(join(root, 'examples', name), 'utf8')), [], name);
  }
});

test('the check can fail: without its number rules the grammar leaves numbers uncoloured, and that is reported', async () => {
  const noNumbers = await loadGrammar((raw) => {
    delete raw.repository.numbers;
    const strings = raw.repository.strings as { patterns: { name: string }[] };
    strings.patterns = strings.patterns.filter((p) => !p.name.startsWith('constant.numeric'));
  });
  const bad = mismatches(RICH, noNumbers);
  assert.ok(bad.some((b) => b.includes('(number)')), bad.join('\n'));
  assert.ok(bad.some((b) => b.includes('(number in a string)')), bad.join('\n'));
});
