// Semantic tokens: the parser package classifies every token (lexer + tree); this feature only
// delta-encodes them, for the whole document, a line range (editors ask for the visible part of
// a long file), or as edits to the previous whole-document answer (`full/delta`).
//
// The whole document is made segment by segment straight into one Uint32Array: a segment is a
// declaration and the text after it up to the next one (plus the text before the first), lexed
// and classified alone (language/semantic.ts: segmentTokens), so no token list of the whole
// document is ever built. Per document the server keeps only how many tokens each segment had
// in the last answer (4 bytes a declaration), never the tokens. A delta then re-encodes only
// the segments whose declaration objects changed (the incremental analysis reuses the objects
// of every chunk an edit did not touch), plus the first non-empty segment after them (its first
// token is encoded relative to the last token before it), and the propagations whose start
// name changed kind elsewhere (the only token whose type depends on other declarations).
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensDelta, type SemanticTokensEdit, type SemanticTokensLegend } from 'vscode-languageserver';
import type { DocumentAnalysis } from '../../language/analyze';
import type { Declaration } from '../../language/ast';
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, fromType, segmentTokens, semanticTokensInLines, type SemanticToken } from '../../language/semantic';

export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] };
const typeIndex = new Map<string, number>(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i]));

function encode(list: readonly SemanticToken[]): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  let lastLine = -1;
  let lastEnd = -1;
  for (const t of list) {
    // Defensive: LSP data must be sorted and non-overlapping.
    if (t.line < lastLine || (t.line === lastLine && t.character < lastEnd) || t.length <= 0) continue;
    builder.push(t.line, t.character, t.length, typeIndex.get(t.type) ?? 0, t.modifiers);
    lastLine = t.line;
    lastEnd = t.character + t.length;
  }
  return builder.build();
}

/** Tokens on lines [startLine, endLine]. */
export function semanticTokensRange(analysis: DocumentAnalysis, startLine: number, endLine: number): SemanticTokens {
  return encode(semanticTokensInLines(analysis, startLine, endLine));
}

/**
 * Token data in LSP's relative encoding, written into one growing Uint32Array. Tokens that
 * would break LSP's order (overlapping or unsorted, empty) are dropped, as before.
 */
export class TokenWriter {
  data: Uint32Array;
  length = 0;
  /** The last token written: its line, start and end character (-1: none). */
  line: number;
  char: number;
  end: number;

  constructor(capacity: number, line = -1, char = 0, end = -1) {
    this.data = new Uint32Array(Math.max(20, capacity - (capacity % 5)));
    this.line = line;
    this.char = char;
    this.end = end;
  }

  readonly push = (line: number, character: number, length: number, type: number, modifiers: number): void => {
    if (line < this.line || (line === this.line && character < this.end) || length <= 0) return;
    if (this.length + 5 > this.data.length) {
      const grown = new Uint32Array(Math.ceil((this.data.length * 1.5) / 5) * 5 + 20);
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    const d = this.data;
    const k = this.length;
    d[k] = line - Math.max(0, this.line);
    d[k + 1] = line === this.line ? character - this.char : character;
    d[k + 2] = length;
    d[k + 3] = type;
    d[k + 4] = modifiers;
    this.length = k + 5;
    this.line = line;
    this.char = character;
    this.end = character + length;
  };

  /** The data written (a view: no copy). */
  result(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Token data as LSP's JSON number array: a typed array serialises as an object, so it carries
 * a toJSON (a writer that knows it may print it without the intermediate array).
 */
export type TokenData = Uint32Array & { toJSON(): number[] };

export function tokenData(data: Uint32Array): TokenData {
  return Object.assign(data, {
    toJSON(this: Uint32Array): number[] {
      return Array.from(this);
    },
  });
}

/** Segment k + 1 is declaration k and what follows it up to declaration k + 1; segment 0 the text before declaration 0. */
function segmentBounds(a: DocumentAnalysis, k: number): [Declaration | undefined, number, number] {
  const decls = a.ast.declarations;
  const d = k > 0 ? decls[k - 1] : undefined;
  const from = d ? d.range.startOffset : 0;
  const to = k < decls.length ? decls[k].range.startOffset : a.text.length;
  return [d, from, to];
}

/** What a document's last answer was made of (no tokens: counts per segment). */
interface LastAnswer {
  resultId: string;
  declarations: readonly Declaration[];
  /** Tokens in each segment (declarations.length + 1). */
  counts: Uint32Array;
  /** Text before the first declaration, when short enough to keep (else it counts as changed). */
  leading: string | undefined;
  /** Type of each propagation's start name when answered. */
  fromTypes: Map<Declaration, number>;
}

const LEADING_KEEP_MAX = 100_000;

function leadingText(a: DocumentAnalysis): string | undefined {
  const end = a.ast.declarations.length > 0 ? a.ast.declarations[0].range.startOffset : a.text.length;
  // A copy: a slice would keep the whole document's text alive.
  return end <= LEADING_KEEP_MAX ? (' ' + a.text.slice(0, end)).slice(1) : undefined;
}

function fromTypesOf(a: DocumentAnalysis): Map<Declaration, number> {
  const out = new Map<Declaration, number>();
  for (const p of a.propagations) if (p.from) out.set(p, fromType(a, p.from.text));
  return out;
}

/** Whole-document and delta answers per document. */
export class SemanticTokensService {
  private readonly last = new Map<string, LastAnswer>();
  private nextId = 1;

  forget(uri: string): void {
    this.last.delete(uri);
  }

  /** Every token of the document, with a result id a later delta request may name. */
  full(uri: string, a: DocumentAnalysis): SemanticTokens {
    const n = a.ast.declarations.length;
    const counts = new Uint32Array(n + 1);
    // About one token (5 numbers) per declaration of ~120 characters; the writer grows as needed.
    const w = new TokenWriter(Math.ceil(a.text.length / 20) + 20);
    for (let k = 0; k <= n; k++) {
      const before = w.length;
      const [d, from, to] = segmentBounds(a, k);
      segmentTokens(a, d, from, to, w.push);
      counts[k] = (w.length - before) / 5;
    }
    const resultId = String(this.nextId++);
    this.last.set(uri, { resultId, declarations: a.ast.declarations, counts, leading: leadingText(a), fromTypes: fromTypesOf(a) });
    return { resultId, data: tokenData(w.result()) as unknown as number[] };
  }

  /** Edits from the answer `previousResultId` to this analysis's tokens; the full answer when that answer is not the last one. */
  delta(uri: string, a: DocumentAnalysis, previousResultId: string): SemanticTokens | SemanticTokensDelta {
    const last = this.last.get(uri);
    if (!last || last.resultId !== previousResultId) return this.full(uri, a);
    const oldD = last.declarations;
    const newD = a.ast.declarations;
    // Unchanged segments: the same declaration objects at both ends (segment k + 1 is declaration k).
    const leading = leadingText(a);
    let lo = 0; // segments [0, lo) unchanged
    if (leading !== undefined && leading === last.leading) {
      lo = 1;
      const max = Math.min(oldD.length, newD.length);
      while (lo - 1 < max && oldD[lo - 1] === newD[lo - 1]) lo++;
    }
    let tail = 0; // the last `tail` segments unchanged
    const maxTail = Math.min(oldD.length, newD.length) - (lo > 0 ? lo - 1 : 0);
    while (tail < maxTail && oldD[oldD.length - 1 - tail] === newD[newD.length - 1 - tail]) tail++;
    const oldSegs = oldD.length + 1;
    const newSegs = newD.length + 1;
    const counts = new Uint32Array(newSegs);
    counts.set(last.counts.subarray(0, lo));
    counts.set(last.counts.subarray(oldSegs - tail), newSegs - tail);
    const edits: SemanticTokensEdit[] = [];

    // The main edit: segments [lo, newSegs - tail), and the first non-empty one after them.
    let hi = newSegs - tail; // new segments [lo, hi) are re-encoded
    let oldHi = oldSegs - tail;
    if (lo < hi || lo < oldHi) {
      while (hi < newSegs && counts[hi] === 0) {
        hi++;
        oldHi++;
      }
      if (hi < newSegs) {
        hi++;
        oldHi++;
      }
      let start = 0;
      for (let k = 0; k < lo; k++) start += last.counts[k];
      let deleteCount = 0;
      for (let k = lo; k < oldHi; k++) deleteCount += last.counts[k];
      // The token before: the last one of the closest non-empty segment before `lo`.
      const w = new TokenWriter(1024);
      let p = lo - 1;
      while (p >= 0 && counts[p] === 0) p--;
      if (p >= 0) {
        const [d, from, to] = segmentBounds(a, p);
        segmentTokens(a, d, from, to, w.push);
        w.length = 0;
      }
      for (let k = lo; k < hi; k++) {
        const before = w.length;
        const [d, from, to] = segmentBounds(a, k);
        segmentTokens(a, d, from, to, w.push);
        counts[k] = (w.length - before) / 5;
      }
      edits.push({ start: start * 5, deleteCount: deleteCount * 5, data: Array.from(w.result()) });
    }

    // Propagations outside the main edit whose start name changed kind.
    const fromTypes = fromTypesOf(a);
    const changed: number[] = [];
    for (const [p, type] of fromTypes) {
      const before = last.fromTypes.get(p);
      if (before === undefined || before === type) continue; // a new propagation lies in the main edit
      const k = segmentOf(newD, p) + 1;
      if (k >= lo && k < hi) continue;
      changed.push(k);
    }
    if (changed.length > 0) {
      changed.sort((x, y) => x - y);
      // Where each segment started in the previous answer (tail segments sit at a shifted index there).
      const oldPrefix = new Uint32Array(oldSegs + 1);
      for (let k = 0; k < oldSegs; k++) oldPrefix[k + 1] = oldPrefix[k] + last.counts[k];
      for (const k of changed) {
        let p = k - 1;
        while (p >= 0 && counts[p] === 0) p--;
        const w = new TokenWriter(1024);
        if (p >= 0) {
          const [d, from, to] = segmentBounds(a, p);
          segmentTokens(a, d, from, to, w.push);
          w.length = 0;
        }
        const [d, from, to] = segmentBounds(a, k);
        segmentTokens(a, d, from, to, w.push);
        counts[k] = w.length / 5;
        const kOld = k < lo ? k : k - hi + oldHi;
        edits.push({ start: oldPrefix[kOld] * 5, deleteCount: last.counts[kOld] * 5, data: Array.from(w.result()) });
      }
      edits.sort((x, y) => x.start - y.start);
    }

    const resultId = String(this.nextId++);
    this.last.set(uri, { resultId, declarations: newD, counts, leading, fromTypes });
    return { resultId, edits };
  }
}

/** Index of a declaration in the sorted list (by its start offset). */
function segmentOf(decls: readonly Declaration[], d: Declaration): number {
  let lo = 0;
  let hi = decls.length - 1;
  const at = d.range.startOffset;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = decls[mid].range.startOffset;
    if (s === at) return mid;
    if (s < at) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
