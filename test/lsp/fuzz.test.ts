// Bad input never crashes the server, and nothing it answers is slow or wrong (issue 14, "Done
// means"). One server takes NCP_FUZZ_DOCS documents (default 10,000): grammar-aware generated
// ones and mutations of examples/*.ncp (truncations, swapped tokens, random characters, 1 MB lines,
// deep nesting, extreme numbers), as full changes and incremental edits. On a sample of them every
// request kind is sent at random and out-of-range positions; code actions and code lenses are
// asked for and their edits applied and their commands executed (propagations run, bounded by
// ncp.run.maxSeconds); every edit the server sends must carry the current version, and after it
// the server's diagnostics must equal a fresh whole-text analysis. Zero crashes, zero errors,
// zero answers slower than 1 s on documents under 100 KB (a slow answer is asked again once, so a
// load spike on a shared machine is not mistaken for a slow feature).
// The seed is printed; rerun one with NCP_FUZZ_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyWorkspaceEditParams, ApplyWorkspaceEditResult, CodeAction, CodeLens, Command, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { startClient, root, applyEdits, type LspClient } from './harness';
import { analyzeText } from '../../server/src/language/analyze';
import { makeRng } from '../../server/src/core/random';
import { NB201_OPS } from '../../server/src/core/space/nb201';

const SEED = process.env.NCP_FUZZ_SEED ? Number(process.env.NCP_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const COUNT = Number(process.env.NCP_FUZZ_DOCS ?? process.env.NCP_FUZZ_COUNT ?? 10_000);
/** Commands the server implements (the others, e.g. copy to clipboard, are the editor's). */
const SERVER_COMMANDS = new Set(['ncp.runPropagation', 'ncp.propagateNetwork', 'ncp.fitBudget']);
const SLOW_MS = 1000;

const VOCAB = [
  'network', 'cell', 'propagate', 'from', 'stem', 'stage', 'head', 'blocks', 'units', 'channels', 'maximize',
  'flops', 'params', 'lambda', 'strategy', 'steps', 'lr', 'restarts', 'seed', '{', '}', '[', ']', ',', '.', '*', '=',
  '<=', ';', '"', '/*', '*/', '//', '\n', ' ', '0', '-1', '1e400', '3.5', '64', '128', '999999999999999999999',
  'seg', 'seg-4x.mIoU', 'cls-50-1000', 'winner-takes-all', 'G', 'M', '"16_16-1_1_1_8-1_2_1_1_8_8-1_3_1_1_1_8_8_8-1_4_1_1_1_1_8_8_8_8-8"',
  '"|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"', '\u0000', '\uD800', '\uFEFF', '\r\n', '\t', 'é', '😀',
];

function corpus(): string[] {
  const dir = join(root, 'examples');
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.ncp'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  docs.push(
    'network a = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]\n' +
      'propagate p from a {\n  maximize 0.5 * classification\n  params <= 3 M\n  steps 10\n}\n',
  );
  return docs;
}

/** A document from the grammar (docs/grammar.md): declarations of every kind, mostly well-formed. */
function generate(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
  // mostly in the benchmark's range; sometimes outside it, sometimes absurd
  const num = (kind: 'blocks' | 'units' | 'channels'): string => {
    const r = rand();
    if (r < 0.85) return String(kind === 'channels' ? 8 * int(1, 16) : int(1, 4));
    if (r < 0.95) return String(kind === 'channels' ? int(1, 300) : int(0, 12));
    return pick(['0', '-1', '1e308', '100000000', '2.5', '1e-9', '99999999999999999999']);
  };
  const list = (n: number, kind: 'units' | 'channels') => `[${Array.from({ length: rand() < 0.95 ? n : int(0, 6) }, () => num(kind)).join(', ')}]`;
  const names: string[] = [];
  const cells: string[] = [];
  const name = (prefix: string) => `${prefix}${names.length + cells.length}${rand() < 0.1 ? '-x' : ''}`;
  const parts: string[] = [];
  for (let d = 0, n = int(1, 8); d < n; d++) {
    const r = rand();
    if (rand() < 0.3) parts.push(pick(['// a comment', '/* block\n comment */', '// ' + 'é😀'.repeat(int(1, 5))]));
    if (r < 0.45) {
      const nm = name('net');
      names.push(nm);
      const form = rand();
      if (form < 0.4) {
        const stages = [1, 2, 3, 4].filter(() => rand() < 0.97);
        if (rand() < 0.3) stages.reverse();
        const lines = [`network ${nm} {`, `  stem ${num('channels')} ${num('channels')}`];
        for (const k of stages) lines.push(`  stage ${k} blocks ${num('blocks')} units ${list(k, 'units')} channels ${list(k, 'channels')}`);
        lines.push(`  head ${num('channels')}`, '}');
        parts.push(lines.join('\n'));
      } else if (form < 0.7) {
        const stage = (k: number) => [num('blocks'), k, ...Array.from({ length: k }, () => num('units')), ...Array.from({ length: k }, () => num('channels'))].join('_');
        parts.push(`network ${nm} = "${num('channels')}_${num('channels')}-${[1, 2, 3, 4].map(stage).join('-')}-${num('channels')}"`);
      } else {
        const kinds = ['channels', 'channels'] as ('blocks' | 'units' | 'channels')[];
        for (let k = 1; k <= 4; k++) kinds.push('blocks', ...Array<'units'>(k).fill('units'), ...Array<'channels'>(k).fill('channels'));
        kinds.push('channels');
        parts.push(`network ${nm} = [${kinds.map(num).join(rand() < 0.8 ? ', ' : ' ')}]`);
      }
    } else if (r < 0.6) {
      const nm = name('cell');
      cells.push(nm);
      const op = () => (rand() < 0.95 ? pick(NB201_OPS) : pick(['conv', 'none ', '']));
      parts.push(`cell ${nm} = "|${op()}~0|+|${op()}~0|${op()}~1|+|${op()}~0|${op()}~1|${op()}~2|"`);
    } else {
      const fromCell = cells.length > 0 && rand() < 0.25;
      const src = fromCell ? pick(cells) : names.length > 0 && rand() < 0.9 ? pick(names) : 'nowhere';
      const lines = [`propagate p${d} from ${src} {`];
      const settings = fromCell ? ['nb201.acc'] : ['seg.mIoU', 'seg-4x.mIoU', 'cls-50-1000.top1', 'classification', 'segmentation', 'video', 'video-p.top5', 'sgm.mIoU'];
      for (let k = 0, m = int(rand() < 0.1 ? 0 : 1, 3); k < m; k++) lines.push(`  maximize ${rand() < 0.5 ? `${pick(['0.5', '1', '2', '0', '-1'])} * ` : ''}${pick(settings)}`);
      const opts = [
        () => `flops <= ${pick(['2.5', '1', '0.001', '1e308', '-1'])} ${pick(['G', 'M', 'K', ''])}`,
        () => `params <= ${pick(['3', '0.5', '1e9'])} ${pick(['M', 'K', 'G'])}`,
        () => `lambda ${pick(['0.5', '0', '-1', '1e308'])}`,
        () => `strategy ${pick(['winner-takes-all', 'continuous', 'greedy'])}`,
        // small steps mostly, so executed runs stay short; sometimes over the limits
        () => `steps ${pick(['0', '2', '3', '5', '10000', '1e9', '-3', '2.5'])}`,
        () => `lr ${pick(['0.05', '1', '0', '1e308'])}`,
        () => `restarts ${pick(['1', '2', '1000', '1000000', '1e308', '0'])}`,
        () => `seed ${pick(['0', '7', '-3', '1e308', '0.5'])}`,
      ];
      for (const o of opts) if (rand() < 0.4) lines.push(`  ${o()}`);
      lines.push('}');
      parts.push(lines.join('\n'));
    }
  }
  return parts.join(rand() < 0.9 ? '\n\n' : '\n') + '\n';
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

type Diags = { version?: number; diagnostics: { code?: unknown; message: unknown; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[] };

const diagKey = (d: Diags['diagnostics'][number]) =>
  `${String(d.code)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.message)}`;

test(`fuzz: ${COUNT} generated and mutated documents, every request kind, edits and commands (seed ${SEED})`, async () => {
  console.log(`[fuzz] seed ${SEED} (set NCP_FUZZ_SEED to reproduce), ${COUNT} documents (NCP_FUZZ_DOCS)`);
  const t0 = performance.now();
  const rand = makeRng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
  // A low threshold puts most documents on the incremental analysis path too. Predictors take part
  // when a trained set is at hand (shipped, or NCP_MODELS_DIR), so hovers, hints and runs predict garbage too.
  const { defaultModelsDir } = await import('../../server/src/core/predict/store');
  const modelsDir = process.env.NCP_MODELS_DIR || defaultModelsDir();
  const withPredictors = existsSync(join(modelsDir, 'manifest.json'));
  console.log(`[fuzz] predictors: ${withPredictors ? modelsDir : 'none (exact cost only)'}`);
  const client: LspClient = await startClient({
    initializationOptions: {
      predictors: withPredictors,
      modelsDir,
      incrementalMinChars: 400,
      // short runs: commands executed below finish quickly, and any run stops within 2 s
      settings: { propagation: { steps: 3 }, run: { maxSeconds: 2 } },
    },
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { applyEdit: true, workspaceEdit: { documentChanges: true }, inlayHint: { refreshSupport: true } },
      textDocument: {
        publishDiagnostics: { versionSupport: true, relatedInformation: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        completion: { completionItem: { snippetSupport: true } },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite'] } } },
        rename: { prepareSupport: true },
      },
    },
  });
  const uri = 'file:///fuzz.ncp';
  const bases = corpus();
  const failures: string[] = [];
  const slow: string[] = [];
  const stats = { requests: 0, editsApplied: 0, editsStale: 0, actionEdits: 0, formats: 0, commands: 0, inserted: 0, checks: 0, maxMs: 0, maxMethod: '' };
  let lastApplied: Promise<Diags> | undefined;
  let lastAppliedVersion = -1;
  const notApplied = new Map<string, number>();

  // The editor: applies an edit only to the version it names (as VS Code does), then tells the server.
  client.conn.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams): ApplyWorkspaceEditResult => {
    const dc = p.edit.documentChanges?.[0] as TextDocumentEdit | undefined;
    if (!dc || typeof dc.textDocument.version !== 'number') {
      failures.push(`workspace/applyEdit without a versioned identifier: ${JSON.stringify(p.edit).slice(0, 200)}`);
      return { applied: false };
    }
    if (dc.textDocument.version !== client.version(dc.textDocument.uri)) {
      stats.editsStale++;
      return { applied: false, failureReason: 'the document changed' };
    }
    lastApplied = client.change(uri, applyEdits(client.text(uri), dc.edits as TextEdit[]));
    lastAppliedVersion = client.version(uri);
    stats.editsApplied++;
    return { applied: true };
  });

  /** The server's diagnostics equal a whole-text analysis of the client's text (same version). */
  const checkFresh = (diags: Diags, label: string) => {
    // Diagnostics of an older version (an edit from the server landed meanwhile) are checked by the caller that applied it.
    if (diags.version !== client.version(uri)) return;
    stats.checks++;
    const expected = analyzeText(client.text(uri)).diagnostics.slice(0, 1000).map(diagKey);
    assert.deepEqual(diags.diagnostics.map(diagKey), expected, `${label}: diagnostics differ from a fresh analysis (seed ${SEED})`);
  };

  /** A request, timed; InvalidParams is accepted only where the params are meant to be invalid. */
  async function send<R>(method: string, params: unknown, expect: 'ok' | 'maybe-invalid' | 'invalid' = 'ok'): Promise<R | undefined> {
    const size = client.text(uri).length;
    for (let attempt = 0; ; attempt++) {
      stats.requests++;
      const start = performance.now();
      try {
        const r = await client.request<R>(method, params);
        const ms = performance.now() - start;
        if (method !== 'workspace/executeCommand' && size < 100_000) {
          if (ms > stats.maxMs) [stats.maxMs, stats.maxMethod] = [ms, method];
          if (ms > SLOW_MS) {
            if (attempt === 0) continue; // once more: a load spike, or a slow feature?
            slow.push(`${method} took ${ms.toFixed(0)} ms twice on a ${size}-character document (seed ${SEED})`);
          }
        }
        if (expect === 'invalid') failures.push(`${method} ${JSON.stringify(params).slice(0, 120)}: answered instead of InvalidParams`);
        return r;
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === -32602 && expect !== 'ok') return undefined;
        failures.push(`${method} ${JSON.stringify(params).slice(0, 160)}: ${code} ${(e as Error).message}`);
        return undefined;
      }
    }
  }

  const lines = () => client.text(uri).split('\n');
  /** In range mostly; past the last line, or far past the end of a line, otherwise. */
  const position = () => {
    const ls = lines();
    const r = rand();
    if (r < 0.7) {
      const line = int(0, ls.length - 1);
      return { line, character: int(0, ls[line].length + 2) };
    }
    if (r < 0.85) return { line: ls.length + int(0, 1000), character: int(0, 10) };
    return { line: int(0, ls.length), character: pick([1e6, 2 ** 31 - 1]) };
  };
  const range = () => {
    const a = position();
    const b = position();
    return a.line < b.line || (a.line === b.line && a.character <= b.character) ? { start: a, end: b } : { start: b, end: a };
  };
  const td = { textDocument: { uri } };

  async function randomRequest(diags: Diags): Promise<void> {
    const kinds: (() => Promise<unknown>)[] = [
      () => send('textDocument/hover', { ...td, position: position() }),
      () => send('textDocument/completion', { ...td, position: position() }),
      () => send('textDocument/definition', { ...td, position: position() }),
      () => send('textDocument/references', { ...td, position: position(), context: { includeDeclaration: rand() < 0.5 } }),
      () => send('textDocument/prepareRename', { ...td, position: position() }),
      () => send('textDocument/rename', { ...td, position: position(), newName: pick(['x2', 'network', '9bad', 'a b', 'new_name', '']) }, 'maybe-invalid'),
      () => send('textDocument/documentSymbol', td),
      () => send('textDocument/foldingRange', td),
      () => send('textDocument/semanticTokens/full', td),
      () => send('textDocument/semanticTokens/range', { ...td, range: range() }),
      () => send('textDocument/inlayHint', { ...td, range: range() }),
      () => send('textDocument/codeAction', { ...td, range: range(), context: { diagnostics: diags.diagnostics.slice(0, 20) } }),
      () => send('textDocument/codeLens', td),
      () => send('textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } }),
      () => send('ncp/traces', { uri }),
      () => send('ncp/trace', { uri, name: pick(['p0', 'p1', 'x->segmentation']) }),
      () => send('ncp/status', null),
      // meant to be refused: a negative position, missing fields
      () => send('textDocument/hover', { ...td, position: { line: -1, character: 0 } }, 'invalid'),
      () => send(pick(['textDocument/codeAction', 'textDocument/inlayHint', 'textDocument/rename']), pick([null, {}, td]), 'invalid'),
    ];
    await pick(kinds)();
  }

  /** Code actions and lenses: an edit applied (it must carry the current version), sometimes a command run. */
  async function actionsAndLenses(i: number, diags: Diags, runCommand: boolean): Promise<void> {
    const version = client.version(uri);
    const actions = (await send<CodeAction[]>('textDocument/codeAction', { ...td, range: range(), context: { diagnostics: diags.diagnostics.slice(0, 20) } })) ?? [];
    const lenses = (await send<CodeLens[]>('textDocument/codeLens', td)) ?? [];
    const withEdit = actions.filter((a) => a.edit);
    if (withEdit.length > 0 && rand() < 0.5) {
      const edit = pick(withEdit).edit as WorkspaceEdit;
      const dc = edit.documentChanges?.[0] as TextDocumentEdit | undefined;
      assert.ok(dc && dc.textDocument.version === version, `iteration ${i}: a code action's edit carries the version it was computed for`);
      stats.actionEdits++;
      checkFresh(await client.change(uri, applyEdits(client.text(uri), dc.edits as TextEdit[])), `iteration ${i} after a code action's edit`);
    }
    if (!runCommand) return;
    const commands: Command[] = [
      ...actions.map((a) => a.command).filter((c): c is Command => c !== undefined),
      ...lenses.map((l) => l.command).filter((c): c is Command => c !== undefined),
    ].filter((c) => SERVER_COMMANDS.has(c.command));
    if (commands.length === 0) return;
    const c = pick(commands);
    const args = c.command === 'ncp.fitBudget' ? [{ ...(c.arguments?.[0] as object), budget: pick([0.5, 1.5, 3, 1e-9, 1e308]) }] : c.arguments;
    lastApplied = undefined;
    stats.commands++;
    const running = send<{ applied: boolean; name?: string; reason?: string }>('workspace/executeCommand', { command: c.command, arguments: args });
    if (rand() < 0.5) {
      // the user types while it runs: a line at the top; the result must still land under its source
      await new Promise((r) => setTimeout(r, int(0, 30)));
      checkFresh(await client.edit(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, `// typed at ${i}\n`), `iteration ${i} typing during ${c.command}`);
    }
    const out = await running;
    if (out && !out.applied) notApplied.set(out.reason ?? '?', (notApplied.get(out.reason ?? '?') ?? 0) + 1);
    if (out?.applied) {
      assert.ok(lastApplied, `iteration ${i}: an applied result came through workspace/applyEdit`);
      const after = await lastApplied;
      // (when the user typed after it, the check after the typing covered the result)
      if (client.version(uri) === lastAppliedVersion) checkFresh(after, `iteration ${i} after ${c.command}`);
      assert.ok(analyzeText(client.text(uri)).ast.declarations.some((d) => d.name === out.name), `iteration ${i}: '${out.name}' was inserted`);
      stats.inserted++;
    }
  }

  try {
    await client.open(uri, bases[0]);
    let current = bases[0];
    for (let i = 0; i < COUNT; i++) {
      const r = rand();
      const base = r < 0.6 ? current : pick(bases);
      const next = rand() < 0.3 ? generate(rand) : mutate(base, rand, i);
      // Keep mutating the same lineage for a while (compounding damage), then restart from clean text.
      current = next.length < 200_000 && rand() < 0.8 ? next : bases[0];
      let diags: Diags;
      if (rand() < 0.3 && next.length < 200_000) {
        // An incremental edit: replace a random range of the current text.
        const ls = lines();
        const line = Math.floor(rand() * ls.length);
        const ch = Math.floor(rand() * (ls[line].length + 1));
        diags = await client.edit(uri, { start: { line, character: ch }, end: { line, character: Math.min(ls[line].length, ch + 3) } }, mutate('x', rand, 1));
      } else {
        diags = await client.change(uri, next);
      }
      assert.ok(Array.isArray(diags.diagnostics), `iteration ${i}: a diagnostics response`);
      if (i % 25 === 0) checkFresh(diags, `iteration ${i}`);
      if (i % 5 === 0) for (let k = 0; k < 3; k++) await randomRequest(diags);
      if (i % 10 === 0) await actionsAndLenses(i, diags, i % 50 === 0);
      if (i % 100 === 0 && client.text(uri).length < 100_000) {
        // the formatter's edits, applied as an editor does, give a text the server analyses the same way
        const edits = await send<TextEdit[]>('textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } });
        if (edits && edits.length > 0) {
          stats.formats++;
          checkFresh(await client.change(uri, applyEdits(client.text(uri), edits)), `iteration ${i} after formatting`);
        }
      }
      if (!client.alive()) assert.fail(`server exited at iteration ${i} (seed ${SEED})`);
    }
    const serverFailures = client.log.filter((l) => /failed|uncaught|unhandled/i.test(l));
    console.log(
      `[fuzz] ${((performance.now() - t0) / 1000).toFixed(1)} s: ${stats.requests} requests (slowest ${stats.maxMs.toFixed(0)} ms, ${stats.maxMethod}), ` +
        `${stats.checks} fresh-analysis checks, ${stats.actionEdits} code-action edits, ${stats.formats} formattings, ${stats.commands} commands ` +
        `(${stats.inserted} results inserted; edits ${stats.editsApplied} applied, ${stats.editsStale} stale)`,
    );
    const reasons = [...notApplied].sort((a, b) => b[1] - a[1]).slice(0, 5);
    if (reasons.length > 0) console.log(`[fuzz] commonest reasons a command wrote nothing: ${reasons.map(([r, n]) => `${n}× ${r.slice(0, 70)}`).join('; ')}`);
    assert.deepEqual(failures.slice(0, 10), [], `requests answered with errors (seed ${SEED})`);
    assert.deepEqual(slow.slice(0, 10), [], `answers slower than ${SLOW_MS} ms (seed ${SEED})`);
    assert.deepEqual(serverFailures.slice(0, 5), [], `server logged failures (seed ${SEED})`);
    assert.ok(client.alive(), 'the server is still running');
  } finally {
    await client.stop();
  }
});
