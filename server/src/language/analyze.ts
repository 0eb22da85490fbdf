// Analysis of a `.ncp` document: parse, then pure checks of the tree → diagnostics, symbol tables
// and name references. Computed once per document version and shared by every editor feature.
//
// API for the language server (kept stable; additions only):
//   analyzeText(text) → DocumentAnalysis { ast, diagnostics, networks, cells, propagations, references, lines, tokens, comments }
//   declarationAt(analysis, offset), numberAt(analysis, offset), referenceAt(analysis, offset),
//   definitionOf(analysis, name), referencesTo(analysis, name)        — navigation helpers
//   semanticTokens(analysis) → SemanticToken[] with SEMANTIC_TOKEN_TYPES / SEMANTIC_TOKEN_MODIFIERS
//     as the legend (./semantic.ts; one token per line, sorted, ready to delta-encode)
//   formatText(text) / formatAnalysis(analysis) → string | undefined (./format.ts; undefined when
//     the text has syntax errors)
//   printNetwork / printCell / resizeBranchList / snapNumberEdit / snapToRange (./print.ts) — quick fixes
//   Ranges are plain LSP ranges (0-based line, UTF-16 character) with startOffset/endOffset added;
//   severities are 'error' | 'warning' | 'information' | 'hint' (map to LSP 1 | 2 | 3 | 4).
//   A network's `numbers` are the same objects as the NumberLits in its clauses and list.
//   Import chevrotain's runtime only through ./chevrotain.ts (tsx cannot load the package itself).
import { NB201_OPS, parseCellString, CellFormatError, NB201_EDGES } from '../core/space/nb201';
import { cost } from '../core/cost';
import { BENCHMARK_RANGE, CODE_KINDS } from '../core/space/multires';
import { activeCatalogue, type SettingCatalogue, type SettingSpace } from '../core/settings';
import { LIMITS, overLimitMessage } from '../core/limits';
import { splitArgs } from '../core/search/measure/args';
import { EXPORT_LIMITS } from '../core/export/target';

/** "512×1024 input, seg head, 19 classes" (defaults named). */
function describeCountedAt(at: CountedAt): string {
  const head = at.head ?? 'cls';
  return `${at.input[0]}×${at.input[1]} input, ${head} head, ${at.classes ?? (head === 'seg' ? 19 : 50)} classes`;
}
import type { IToken } from 'chevrotain';
import type {
  CountedAt,
  InputOption,
  Budget,
  CellDecl,
  Declaration,
  Name,
  NcpDocument,
  NetworkDecl,
  NetworkNumber,
  PropagateDecl,
  Range,
  SearchDecl,
  Strategy,
} from './ast';
import type { NcpDiagnostic } from './diagnostics';
import { analyzeNetwork } from './network';
import { parse } from './parser';
import { analyzeOneLine } from './oneLine';
import { analyzeStructured } from './structuredFast';
import { lex } from './lexer';
import { containsOffset, type LineIndex } from './positions';
import { closest, didYouMean } from './suggest';
import type { DocumentAnalysis, NameReference } from './analysis';

export { semanticTokens, SEMANTIC_TOKEN_TYPES, SEMANTIC_TOKEN_MODIFIERS, type SemanticToken, type SemanticTokenType } from './semantic';
export type { NcpDiagnostic, Severity } from './diagnostics';
export type * from './ast';

export type { DocumentAnalysis, NameReference } from './analysis';

const LAZY_TOKENS: object = Object.create(Object.prototype, {
  tokens: {
    get(this: DocumentAnalysis): IToken[] {
      return lex(this.text).tokens;
    },
  },
  comments: {
    get(this: DocumentAnalysis): IToken[] {
      return lex(this.text).comments;
    },
  },
});

/** An analysis whose `tokens` and `comments` are lexed from its text when read. */
export function withLazyTokens(a: Omit<DocumentAnalysis, 'tokens' | 'comments'>): DocumentAnalysis {
  return Object.assign(Object.create(LAZY_TOKENS) as DocumentAnalysis, a);
}

export const STRATEGIES: readonly Strategy[] = ['continuous', 'winner-takes-all'];
export const FLOPS_UNITS: Readonly<Record<string, number>> = { G: 1, M: 1e-3 };
export const PARAMS_UNITS: Readonly<Record<string, number>> = { M: 1, K: 1e-3 };

const NO_NETWORKS = new Map<string, NetworkDecl>();
const NO_CELLS = new Map<string, CellDecl>();

const byRange = (a: NcpDiagnostic, b: NcpDiagnostic): number => a.range.startOffset - b.range.startOffset || a.range.endOffset - b.range.endOffset;

/**
 * `fastPath: false` always runs the parser (tests compare the fast paths, oneLine.ts and
 * structuredFast.ts, with it). `catalogue`: the settings objectives may name (default the active
 * catalogue; the server adds the settings of one's own a document's measurements files hold).
 */
export function analyzeText(text: string, opts: { fastPath?: boolean; tables?: boolean; catalogue?: SettingCatalogue } = {}): DocumentAnalysis {
  const one = opts.fastPath === false ? undefined : (analyzeOneLine(text) ?? analyzeStructured(text));
  if (one) {
    const d = one.decl;
    // `tables: false` (the incremental analysis, which builds them for the whole document): a
    // fast-path analysis leaves networks, cells and references empty (shared, never to be filled).
    const tables = opts.tables !== false;
    return withLazyTokens({
      text,
      ast: { declarations: [d], comments: [] },
      diagnostics: one.diagnostics.sort(byRange),
      networks: tables ? new Map([[d.name, d]]) : NO_NETWORKS,
      cells: tables ? new Map() : NO_CELLS,
      propagations: [],
      references: tables ? [{ name: d.name, range: d.nameRange, kind: 'definition', target: d }] : [],
      hasSyntaxErrors: false,
      lines: one.lines,
    });
  }
  const parsed = parse(text);
  const diagnostics: NcpDiagnostic[] = parsed.errors.map((e) => ({
    range: e.range,
    severity: 'error',
    message: e.message,
    code: e.kind === 'lex' ? 'lex-error' : e.kind === 'parse' ? 'parse-error' : e.kind,
  }));
  const networks = new Map<string, NetworkDecl>();
  const cells = new Map<string, CellDecl>();
  const propagations: PropagateDecl[] = [];
  const propNames = new Map<string, PropagateDecl | SearchDecl>();
  const references: NameReference[] = [];

  for (const d of parsed.document.declarations) {
    // A declaration without a name already has its parse error; its body's problems would be noise.
    const sink = d.name === '' ? [] : diagnostics;
    if (d.kind === 'network') analyzeNetwork(d, parsed.lines, sink);
    else if (d.kind === 'cell') analyzeCell(d, parsed.lines, sink);
    if (d.name === '') continue; // the parser already reported the missing name
    references.push({ name: d.name, range: d.nameRange, kind: 'definition', target: d });
    if (d.kind === 'propagate' || d.kind === 'search') {
      // propagations and searches share a namespace: both are commands' arguments by name
      const first = propNames.get(d.name);
      if (first) diagnostics.push(duplicateNameDiagnostic(d, first));
      else propNames.set(d.name, d);
      continue;
    }
    const first = networks.get(d.name) ?? cells.get(d.name);
    if (first) diagnostics.push(duplicateNameDiagnostic(d, first));
    else if (d.kind === 'network') networks.set(d.name, d);
    else cells.set(d.name, d);
  }
  for (const d of parsed.document.declarations) {
    if (d.kind === 'search') {
      analyzePropagate(d, networks, cells, references, diagnostics, opts.catalogue);
      continue;
    }
    if (d.kind !== 'propagate') continue;
    propagations.push(d);
    analyzePropagate(d, networks, cells, references, diagnostics, opts.catalogue);
  }
  references.sort((a, b) => a.range.startOffset - b.range.startOffset);
  diagnostics.sort(byRange);
  return withLazyTokens({
    text,
    ast: parsed.document,
    diagnostics,
    networks,
    cells,
    propagations,
    references,
    hasSyntaxErrors: parsed.errors.length > 0,
    lines: parsed.lines,
  });
}

/** The error on a name declared twice (also used by the server's incremental analysis). */
export function duplicateNameDiagnostic(d: Declaration, first: Declaration): NcpDiagnostic {
  const what = first.kind === 'propagate' ? 'a propagation' : first.kind === 'search' ? 'a search' : `a ${first.kind}`;
  const line = first.nameRange.start.line + 1;
  return {
    range: d.nameRange,
    severity: 'error',
    code: 'duplicate-name',
    message: `'${d.name}' is already ${what} (line ${line}); names must be unique`,
    data: { first: first.nameRange },
  };
}

/** The error on a `from NAME` that names nothing (also used by the server's incremental analysis). */
export function undefinedNameDiagnostic(from: { text: string; range: Range }, names: readonly string[]): NcpDiagnostic {
  const suggestions = closest(from.text, names, 3);
  return {
    range: from.range,
    severity: 'error',
    code: 'undefined-name',
    message: `no network or cell named '${from.text}'${didYouMean(suggestions)}`,
    data: { suggestions },
  };
}

function analyzeCell(d: CellDecl, lines: LineIndex, out: NcpDiagnostic[]): void {
  const s = d.string;
  if (!s || !s.terminated) return;
  // Ops with ranges, found by the same shape the parser of core/space/nb201.ts expects.
  const base = s.range.startOffset + 1;
  const re = /([^|~+]*)~(\d*)/g;
  let m: RegExpExecArray | null;
  let edge = 0;
  while ((m = re.exec(s.value)) !== null) {
    const start = base + m.index;
    d.ops.push({ op: m[1], edge, range: lines.range(start, start + m[1].length) });
    edge++;
  }
  try {
    d.cell = parseCellString(s.value);
  } catch (e) {
    if (!(e instanceof CellFormatError)) throw e;
    let range = s.range;
    let data: Record<string, unknown> | undefined;
    let message = e.message;
    const unknown = /unknown op '([^']*)'/.exec(e.message);
    if (unknown) {
      const op = d.ops.find((o) => o.op === unknown[1]);
      if (op) range = op.range;
      const suggestions = closest(unknown[1], NB201_OPS, 2);
      data = { suggestions };
      message = `${e.message.replace(/ \(ops: .*\)$/, '')}${didYouMean(suggestions)}; ops: ${NB201_OPS.join(', ')}`;
    }
    if (!/^\s*\|/.test(s.value) || d.ops.length !== NB201_EDGES.length) {
      message += `; a cell is '|op~0|+|op~0|op~1|+|op~0|op~1|op~2|'`;
    }
    out.push({ range, severity: 'error', code: 'bad-cell', message, ...(data ? { data } : {}) });
  }
}

/** Whole-number search statements: least value, limit, and why there is one. */
const COUNT_OPTIONS = {
  batch: { min: 1, limit: 'searchBatch', why: 'each suggestion refits and propagates' },
  jobs: { min: 1, limit: 'searchJobs', why: 'each job is a running process' },
  retries: { min: 0, limit: 'searchRetries', why: 'each retry is another training run' },
} as const;

/** Search statements that are not propagate statements: `measurements "file"`, `batch K`, typos. */
function searchOnlyStatement(d: SearchDecl, st: SearchDecl['statements'][number], error: (range: Range, code: string, message: string, data?: Record<string, unknown>) => void, once: (key: string, range: Range, label: string) => boolean): boolean {
  if (st.kind === 'measurements') {
    if (!once('measurements', st.keywordRange, 'measurements') || !st.value) return true;
    if (!st.value.terminated) return true; // the parser reported it
    if (st.value.value.trim() === '') error(st.value.range, 'bad-value', 'measurements needs a file name, e.g. "runs.jsonl" (relative to this document\'s folder)');
    else d.measurements = st.value.value;
    return true;
  }
  if (st.kind === 'batch' || st.kind === 'jobs' || st.kind === 'retries') {
    if (!once(st.kind, st.keywordRange, st.kind) || !st.value) return true;
    const { min, limit, why } = COUNT_OPTIONS[st.kind];
    const v = st.value.value;
    const max = LIMITS[limit];
    if (!Number.isInteger(v) || v < min) error(st.value.range, 'bad-value', `${st.kind} must be a whole number ≥ ${min}, got ${st.value.text}`);
    else if (v > max) error(st.value.range, 'too-large', `${overLimitMessage(st.kind, max, st.value.text)}: ${why}`, { kind: st.kind, limit: max, suggestion: max });
    else d.options[st.kind] = v;
    return true;
  }
  if (st.kind === 'measure') {
    if (!once('measure', st.keywordRange, 'measure') || !st.value) return true;
    if (!st.value.terminated) return true; // the parser reported it
    if (st.value.value.trim() === '') error(st.value.range, 'bad-value', 'measure needs a command, e.g. "python train.py" (run through the shell in this document\'s folder)');
    else d.measure = st.value.value;
    return true;
  }
  if (st.kind === 'slurm') {
    if (!once('slurm', st.keywordRange, 'slurm') || !st.value) return true;
    if (!st.value.terminated) return true; // the parser reported it
    try {
      splitArgs(st.value.value);
      d.slurm = st.value.value.trim();
    } catch (e) {
      error(st.value.range, 'bad-value', `slurm: ${(e as Error).message} (sbatch arguments, e.g. "--partition=gpu --gres=gpu:1"; group words with '…')`);
    }
    return true;
  }
  if (st.kind === 'unknown') {
    const words = [...SEARCH_WORDS];
    const suggestions = closest(st.word, words, 1);
    error(st.keywordRange, 'unknown-statement', `'${st.word}' is no search statement${didYouMean(suggestions)}; statements: ${words.join(', ')}`, { suggestions });
    return true;
  }
  if (st.kind === 'steps' || st.kind === 'lr' || st.kind === 'restarts' || st.kind === 'strategy') {
    error(st.keywordRange, 'not-in-search', `'${st.kind}' applies to propagate blocks; a search block takes ${SEARCH_WORDS.join(', ')}`);
    return true;
  }
  return false;
}

const SEARCH_WORDS = ['maximize', 'flops', 'params', 'lambda', 'seed', 'input', 'measurements', 'batch', 'measure', 'jobs', 'retries', 'slurm'] as const;

function analyzePropagate(
  d: PropagateDecl | SearchDecl,
  networks: Map<string, NetworkDecl>,
  cells: Map<string, CellDecl>,
  references: NameReference[],
  out: NcpDiagnostic[],
  catalogueIn?: SettingCatalogue,
): void {
  const error = (range: Range, code: string, message: string, data?: Record<string, unknown>): void => {
    out.push({ range, severity: 'error', code, message, ...(data ? { data } : {}) });
  };
  // The start point and its space.
  let space: SettingSpace | undefined;
  const search = d.kind === 'search' ? d : undefined;
  if (d.kind === 'propagate' && d.from) {
    const target = networks.get(d.from.text) ?? cells.get(d.from.text);
    references.push({ name: d.from.text, range: d.from.range, kind: 'reference', target, in: d });
    if (target) {
      space = target.kind === 'network' ? 'multires' : 'nb201';
      const valid = target.kind === 'network' ? target.code !== undefined : target.cell !== undefined;
      if (!valid) {
        out.push({
          range: d.from.range,
          severity: 'warning',
          code: 'start-invalid',
          message: `${target.kind} '${target.name}' has errors: fix them before running this propagation`,
        });
      }
    }
    else out.push(undefinedNameDiagnostic(d.from, [...networks.keys(), ...cells.keys()]));
  }

  const seenOptions = new Map<string, Range>();
  const seenObjectives = new Map<string, Range>();
  const once = (key: string, range: Range, label: string): boolean => {
    const prev = seenOptions.get(key);
    if (prev) {
      error(range, 'duplicate-option', `'${label}' is given twice (first on line ${prev.start.line + 1})`);
      return false;
    }
    seenOptions.set(key, range);
    return true;
  };

  for (const st of d.statements) {
    if (search && searchOnlyStatement(search, st, error, once)) continue;
    if (st.kind === 'measurements' || st.kind === 'batch' || st.kind === 'measure' || st.kind === 'jobs' || st.kind === 'retries' || st.kind === 'slurm' || st.kind === 'unknown') continue;
    if (st.kind === 'maximize') {
      d.objectives.push(st);
      if (st.weightLit && st.weight === 0) {
        out.push({ range: st.weightLit.range, severity: 'warning', code: 'zero-weight', message: 'a zero weight makes this objective do nothing' });
      }
      if (!st.setting) continue;
      // the loaded predictor set's catalogue (settings from the data included), not a fixed list
      const catalogue = catalogueIn ?? activeCatalogue();
      const info = catalogue.resolve(st.setting.text);
      if (!info) {
        const suggestions = closest(st.setting.text, catalogue.names(), 3);
        error(
          st.setting.range,
          'unknown-setting',
          `unknown setting '${st.setting.text}'${didYouMean(suggestions)}; ${catalogue.describe()}`,
          { suggestions },
        );
        continue;
      }
      st.resolvedSetting = info.name;
      if (st.metric) {
        if (!info.metrics.includes(st.metric.text)) {
          const suggestions = closest(st.metric.text, info.metrics, 3);
          error(
            st.metric.range,
            'unknown-metric',
            `setting '${info.name}' has no metric '${st.metric.text}'${didYouMean(suggestions)}; its metrics: ${info.metrics.join(', ')}`,
            { suggestions: suggestions.length > 0 ? suggestions : [...info.metrics] },
          );
          continue;
        }
        st.resolvedMetric = st.metric.text;
      } else {
        st.resolvedMetric = info.metrics[0];
      }
      if (search && !space) space = search.space = info.space;
      else if (search && space && info.space !== space) {
        const first = space === 'nb201' ? 'NAS-Bench-201 cells' : 'multi-resolution networks';
        error(st.setting.range, 'space-mismatch', `setting '${info.name}' is of another space than this search's first objective (${first}): one search, one space`, {
          settingSpace: info.space,
          fromSpace: space,
        });
        continue;
      } else if (space && info.space !== space && d.kind === 'propagate') {
        const fromWhat = space === 'multires' ? `network '${d.from?.text}'` : `cell '${d.from?.text}'`;
        const needs = info.space === 'nb201' ? 'a NAS-Bench-201 cell' : 'a multi-resolution network';
        error(st.setting.range, 'space-mismatch', `setting '${info.name}' predicts ${needs}, but this propagation starts from ${fromWhat}`, {
          settingSpace: info.space,
          fromSpace: space,
        });
        continue;
      }
      const key = `${st.resolvedSetting}.${st.resolvedMetric}`;
      const prev = seenObjectives.get(key);
      if (prev) {
        out.push({
          range: st.range,
          severity: 'warning',
          code: 'duplicate-objective',
          message: `${key} is already maximized on line ${prev.start.line + 1}; write one line with the summed weight`,
        });
      } else seenObjectives.set(key, st.range);
      continue;
    }
    if (st.kind === 'flops' || st.kind === 'params') {
      if (!once(st.kind, st.keywordRange, st.kind)) continue;
      checkBudget(st, d, error, out);
      continue;
    }
    if (st.kind === 'input') {
      if (!once('input', st.keywordRange, 'input')) continue;
      const at = countedAt(st, error);
      if (at) d.options.costAt = at;
      continue;
    }
    if (st.kind === 'strategy') {
      if (!once('strategy', st.keywordRange, 'strategy') || !st.value || d.kind !== 'propagate') continue;
      if ((STRATEGIES as readonly string[]).includes(st.value.text)) d.options.strategy = st.value.text as Strategy;
      else {
        const suggestions = closest(st.value.text, STRATEGIES, 2);
        error(st.value.range, 'unknown-strategy', `unknown strategy '${st.value.text}'${didYouMean(suggestions)}; strategies: ${STRATEGIES.join(', ')}`, {
          suggestions: suggestions.length > 0 ? suggestions : [...STRATEGIES],
        });
      }
      continue;
    }
    // numeric options
    if (!once(st.kind, st.keywordRange, st.kind) || !st.value) continue;
    const v = st.value.value;
    const bad = (why: string): void => error(st.value!.range, 'bad-value', `${st.kind} ${why}, got ${st.value!.text}`);
    // Steps and restarts drive the run's time and memory: past the limit the run would not end in useful time.
    const tooLarge = (limit: number): void =>
      error(st.value!.range, 'too-large', `${overLimitMessage(st.kind, limit, st.value!.text)}: a run this long would not finish in useful time`, {
        kind: st.kind,
        limit,
        suggestion: limit,
      });
    const opts = d.options as PropagateDecl['options'];
    switch (st.kind) {
      case 'lambda':
        if (!(v >= 0) || !Number.isFinite(v)) bad('must be a number ≥ 0');
        else opts.lambda = v;
        break;
      case 'lr':
        if (!(v > 0) || !Number.isFinite(v)) bad('must be a number > 0');
        else opts.lr = v;
        break;
      case 'steps':
        // 0 steps would write the start back unchanged and report a run that never moved.
        if (!Number.isInteger(v) || v < 1) bad(`must be a whole number from 1 to ${LIMITS.steps}`);
        else if (v > LIMITS.steps) tooLarge(LIMITS.steps);
        else opts.steps = v;
        break;
      case 'restarts':
        if (!Number.isInteger(v) || v < 1) bad('must be a whole number ≥ 1');
        else if (v > LIMITS.restarts) tooLarge(LIMITS.restarts);
        else opts.restarts = v;
        break;
      case 'seed':
        if (!Number.isInteger(v)) bad('must be a whole number');
        else opts.seed = v;
        break;
    }
  }
  if (space === 'nb201') {
    // The engine prices only multi-resolution networks: a cell has no FLOPs term.
    for (const st of d.statements) {
      const costly = st.kind === 'flops' || st.kind === 'params' || (st.kind === 'lambda' && (st.value?.value ?? 0) !== 0);
      if (costly) {
        const what = d.kind === 'propagate' ? `a propagation from cell '${d.from?.text}'` : 'a search over NAS-Bench-201 cells';
        error(st.range, 'budget-not-supported', `'${st.kind}' applies to multi-resolution networks; ${what} has no cost term`);
      }
    }
  } else {
    impossibleBudget(d, out);
  }
  if (d.objectives.length === 0 && d.name !== '' && !d.syntaxErrors) {
    error(d.nameRange, 'missing-objective', `${d.kind === 'search' ? 'search' : 'propagation'} '${d.name}' has nothing to maximize: add a line such as 'maximize ${space === 'nb201' ? 'nb201.acc' : 'seg.mIoU'}'`);
  }
}

/**
 * `input H×W [cls|seg] [classes N]` (`512x1024`, `512 x 1024`, `512×1024`, or `512` for a square):
 * the size, head and classes the block's budgets count at, within the CLI's limits for --input/--classes.
 */
function countedAt(st: InputOption, error: (range: Range, code: string, message: string, data?: Record<string, unknown>) => void): CountedAt | undefined {
  const parts = st.parts;
  const usage = 'write e.g. input 512x1024 seg (or input 512x1024 seg classes 19)';
  const side = (p: { text: string; range: Range }, text: string): number | undefined => {
    const v = Number(text);
    if (!/^\d+$/.test(text) || v < 1) error(p.range, 'bad-value', `input: height and width must be whole numbers ≥ 1, got ${text}`);
    else if (v > EXPORT_LIMITS.side) error(p.range, 'too-large', `input: height and width are at most ${EXPORT_LIMITS.side}, got ${text}`, { kind: 'input', limit: EXPORT_LIMITS.side, suggestion: EXPORT_LIMITS.side });
    else return v;
    return undefined;
  };
  let i = 0;
  const h = side(parts[0], parts[0].text);
  i = 1;
  let w = h;
  const p1 = parts[1];
  if (p1 && /^[xX]\d/.test(p1.text)) {
    w = side(p1, p1.text.slice(1));
    i = 2;
  } else if (p1 && /^(?:[xX*×])$/.test(p1.text)) {
    const p2 = parts[2];
    if (!p2 || !/^[\d.+-]/.test(p2.text)) {
      error(p1.range, 'bad-value', `input: expected the width after '${p1.text}'; ${usage}`);
      return undefined;
    }
    w = side(p2, p2.text);
    i = 3;
  }
  let head: 'cls' | 'seg' | undefined;
  let classes: number | undefined;
  if (parts[i] && (parts[i].text === 'cls' || parts[i].text === 'seg')) head = parts[i++].text as 'cls' | 'seg';
  if (parts[i] && parts[i].text === 'classes') {
    const kw = parts[i];
    const n = parts[i + 1];
    if (!n || !/^[\d.+-]/.test(n.text)) {
      error(kw.range, 'bad-value', `input: expected a number of classes after 'classes'; ${usage}`);
      return undefined;
    }
    const v = Number(n.text);
    if (!Number.isInteger(v) || v < 1) error(n.range, 'bad-value', `input: classes must be a whole number ≥ 1, got ${n.text}`);
    else if (v > EXPORT_LIMITS.classes) error(n.range, 'too-large', `input: classes are at most ${EXPORT_LIMITS.classes}, got ${n.text}`, { kind: 'classes', limit: EXPORT_LIMITS.classes, suggestion: EXPORT_LIMITS.classes });
    else classes = v;
    i += 2;
  }
  if (i < parts.length) {
    error(parts[i].range, 'bad-value', `input: unexpected '${parts[i].text}'; ${usage}`);
    return undefined;
  }
  if (h === undefined || w === undefined) return undefined;
  if (classes === undefined && parts.some((p) => p.text === 'classes')) return undefined;
  const at: CountedAt = { input: [h, w] };
  if (head) at.head = head;
  if (classes !== undefined) at.classes = classes;
  return at;
}

function checkBudget(
  b: Budget,
  d: PropagateDecl | SearchDecl,
  error: (range: Range, code: string, message: string, data?: Record<string, unknown>) => void,
  out: NcpDiagnostic[],
): void {
  if (b.kind === 'flops') d.flops = b;
  else d.params = b;
  if (!b.value) return;
  const units = b.kind === 'flops' ? FLOPS_UNITS : PARAMS_UNITS;
  const main = b.kind === 'flops' ? 'G' : 'M';
  let scale = 1;
  if (!b.unit) {
    out.push({
      range: b.value.range,
      severity: 'warning',
      code: 'missing-unit',
      message: `${b.kind} budget without a unit: read as ${b.value.text} ${main}${b.value.value > 0 ? ` (as ${b.value.text} ${main === 'G' ? 'M' : 'K'} it would be ${Number((b.value.value / 1000).toPrecision(6))} ${main})` : ''}; write '${b.value.text} ${main}' or '${b.value.text} ${main === 'G' ? 'M' : 'K'}' (\`ncprop run\` refuses a budget without a unit)`,
      data: { unit: main },
    });
  } else if (units[b.unit.text] === undefined) {
    const names = Object.keys(units);
    error(b.unit.range, 'bad-unit', `unknown unit '${b.unit.text}' for ${b.kind}: use ${names.join(' or ')}`, {
      suggestions: names,
    });
    return;
  } else scale = units[b.unit.text];
  if (!(b.value.value > 0) || !Number.isFinite(b.value.value)) {
    error(b.value.range, 'bad-value', `a ${b.kind} budget must be a number > 0, got ${b.value.text}`);
    return;
  }
  b.limit = b.value.value * scale;
}

/** The smallest network of the benchmark's range: every block and unit count 1, every channel count 8. */
export const SMALLEST_CODE: readonly number[] = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].min);
let smallestCost: { flops: number; params: number } | undefined;

/** A budget below the smallest network's cost cannot be met by any network the search may reach. */
function impossibleBudget(d: PropagateDecl | SearchDecl, out: NcpDiagnostic[]): void {
  if (d.flops?.limit === undefined && d.params?.limit === undefined) return;
  const at = d.options.costAt;
  smallestCost ??= cost(SMALLEST_CODE);
  const smallest = at ? cost(SMALLEST_CODE, at) : smallestCost;
  for (const b of [d.flops, d.params]) {
    if (!b || b.limit === undefined || !b.value) continue;
    const min = b.kind === 'flops' ? smallest.flops : smallest.params;
    if (b.limit >= min) continue;
    const unit = b.kind === 'flops' ? 'G' : 'M';
    const shown = Number(min.toPrecision(3));
    out.push({
      range: b.range,
      severity: 'error',
      code: 'impossible-budget',
      message: `no network fits ${b.kind} <= ${b.value.text}${b.unit ? ` ${b.unit.text}` : ''}: the smallest network in the benchmark's range needs ${shown} ${unit} (${at ? `counted at ${describeCountedAt(at)}` : 'counted as the benchmark does: 128×128 input, 50-class head'})`,
      data: { minimum: min, unit },
    });
  }
}

// ---- navigation helpers -----------------------------------------------------------------------

/** The declaration whose range contains the offset. */
export function declarationAt(a: DocumentAnalysis, offset: number): Declaration | undefined {
  return declarationInDocument(a.ast, offset);
}

/** The same on a bare AST (binary search: declarations are in source order). */
export function declarationInDocument(doc: NcpDocument, offset: number): Declaration | undefined {
  const ds = doc.declarations;
  let lo = 0;
  let hi = ds.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ds[mid].range;
    if (offset < r.startOffset) hi = mid - 1;
    else if (offset > r.endOffset) lo = mid + 1;
    else return ds[mid];
  }
  return undefined;
}

/** The number of a network at the offset (with its code position), and its network. */
export function numberAt(a: DocumentAnalysis, offset: number): { network: NetworkDecl; number: NetworkNumber } | undefined {
  const d = declarationAt(a, offset);
  if (!d || d.kind !== 'network') return undefined;
  const n = d.numbers.find((x) => containsOffset(x.range, offset));
  return n ? { network: d, number: n } : undefined;
}

/** The name definition or use at the offset. */
export function referenceAt(a: DocumentAnalysis, offset: number): NameReference | undefined {
  return a.references.find((r) => containsOffset(r.range, offset));
}

/** The declaration a network/cell name refers to (propagations are looked up by `kind`). */
export function definitionOf(a: DocumentAnalysis, name: string): NetworkDecl | CellDecl | undefined {
  return a.networks.get(name) ?? a.cells.get(name);
}

/** Every definition and use of a network/cell name (for references and rename). */
export function referencesTo(a: DocumentAnalysis, name: string): NameReference[] {
  const target = definitionOf(a, name);
  return a.references.filter((r) => r.name === name && (r.kind === 'reference' || r.target === target));
}

/** The text of a name node (helper for features). */
export function nameText(n: Name | undefined): string {
  return n?.text ?? '';
}
