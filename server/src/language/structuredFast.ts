// A fast path for a valid structured network alone in a text (a large document's chunk), the
// form one network in ten of a large document takes:
//
//   network NAME {
//     stem 32 16
//     stage 1 blocks 1 units [1] channels [32]
//     …
//     head 128
//   }
//
// Chevrotain (lexing, a CST, then the AST) was most of a large document's first analysis once
// the one-line forms had their own path (oneLine.ts). Such a network that draws no diagnostic is
// kept compact anyway (compactStructured.ts: names, ranges, braces, code; clauses parsed again
// when read), so this scanner builds that compact form directly, without a tree. Anything else —
// a comment, a sign/point/exponent, a clause or field given twice or missing, a wrong branch
// count, any value the checks would warn about, any syntax error — is left to the parser
// (undefined), which gives the diagnostics.
import { compactFrom, type CompactParts } from './compactStructured';
import { LineIndex } from './positions';
import { CODE_LENGTH, STAGE_COUNT, stageOffset, validateCode } from '../core/space/multires';
import type { OneLineAnalysis } from './oneLine';

// Only the blanks and line breaks that matter in practice; other white space goes to the parser.
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number): boolean => isNameStart(c) || isDigit(c);
/** What may follow a number's digits for the lexer to read them as that number alone (no `1e5`, `2.5`, `3ddet`, `1-2`). */
const endsNumber = (c: number): boolean => isSpace(c) || c === 44 /* , */ || c === 93 /* ] */ || c === 125 /* } */;
const RESERVED = new Set(['network', 'cell', 'propagate']);

/** Scanner state over one text; every reader returns false (or -1) where the parser must take over. */
class Scanner {
  i = 0;
  constructor(readonly text: string) {}

  at(k: number): number {
    return k < this.text.length ? this.text.charCodeAt(k) : -1;
  }

  space(): void {
    while (isSpace(this.at(this.i))) this.i++;
  }

  /** End of the Identifier the lexer reads at `k` (inner hyphens each followed by a name character), or k when none. */
  identEnd(k: number): number {
    if (!isNameStart(this.at(k))) return k;
    for (;;) {
      while (isNameChar(this.at(k))) k++;
      if (this.at(k) === 45 /* - */ && isNameChar(this.at(k + 1))) k += 2;
      else return k;
    }
  }

  /** Whether the word at the cursor is exactly `word` (a keyword: the lexer's longer_alt makes `stemx`, `stem-2` names); consumes it. */
  keyword(word: string): boolean {
    const e = this.identEnd(this.i);
    if (e - this.i !== word.length || !this.text.startsWith(word, this.i)) return false;
    this.i = e;
    return true;
  }

  /** A plain integer of at most 15 digits (exact as a double) at the cursor, consumed; -1 otherwise. */
  integer(): number {
    let k = this.i;
    let v = 0;
    while (isDigit(this.at(k))) v = v * 10 + (this.text.charCodeAt(k++) - 48);
    const digits = k - this.i;
    if (digits === 0 || digits > 15 || !endsNumber(this.at(k))) return -1;
    this.i = k;
    return v;
  }

  /** `[a, b, …]` (commas optional, one trailing allowed, as the grammar has it) of exactly `count` integers into code[at…]. */
  list(code: number[], at: number, count: number): boolean {
    if (this.at(this.i) !== 91 /* [ */) return false;
    this.i++;
    let n = 0;
    for (;;) {
      this.space();
      if (this.at(this.i) === 93 /* ] */) break;
      const v = this.integer();
      if (v < 0 || n === count) return false;
      code[at + n++] = v;
      this.space();
      if (this.at(this.i) === 44 /* , */) this.i++;
    }
    this.i++;
    return n === count;
  }
}

interface Found {
  kw: number;
  nameStart: number;
  nameEnd: number;
  open: number;
  close: number;
  code: number[];
}

/** The parts of `text` when it is exactly one complete structured network (each clause and field once, right branch counts); undefined otherwise. */
function scan(text: string): Found | undefined {
  const s = new Scanner(text);
  s.space();
  const kw = s.i;
  if (!s.keyword('network')) return undefined;
  s.space();
  const nameStart = s.i;
  const nameEnd = s.identEnd(nameStart);
  if (nameEnd === nameStart || RESERVED.has(text.slice(nameStart, nameEnd))) return undefined;
  s.i = nameEnd;
  s.space();
  const open = s.i;
  if (s.at(open) !== 123 /* { */) return undefined;
  s.i++;
  const code = new Array<number>(CODE_LENGTH);
  let stem = false;
  let head = false;
  let stages = 0; // bit k-1 set: stage k given
  // Clause by clause; a third stem number, a second head number or any other token ends up here as
  // something that is no clause keyword: the parser's (it reports it).
  for (;;) {
    s.space();
    if (s.at(s.i) === 125 /* } */) break;
    if (s.keyword('stem')) {
      if (stem) return undefined;
      stem = true;
      for (let k = 0; k < 2; k++) {
        s.space();
        const v = s.integer();
        if (v < 0) return undefined;
        code[k] = v;
      }
    } else if (s.keyword('head')) {
      if (head) return undefined;
      head = true;
      s.space();
      const v = s.integer();
      if (v < 0) return undefined;
      code[CODE_LENGTH - 1] = v;
    } else if (s.keyword('stage')) {
      s.space();
      const k = s.integer();
      if (k < 1 || k > STAGE_COUNT || stages & (1 << (k - 1))) return undefined;
      stages |= 1 << (k - 1);
      const o = stageOffset(k);
      let fields = 0; // 1 blocks, 2 units, 4 channels
      for (;;) {
        s.space();
        let bit: number;
        if (s.keyword('blocks')) {
          bit = 1;
          s.space();
          const v = s.integer();
          if (v < 0) return undefined;
          code[o] = v;
        } else if (s.keyword('units')) {
          bit = 2;
          s.space();
          if (!s.list(code, o + 1, k)) return undefined;
        } else if (s.keyword('channels')) {
          bit = 4;
          s.space();
          if (!s.list(code, o + 1 + k, k)) return undefined;
        } else break;
        if (fields & bit) return undefined;
        fields |= bit;
      }
      if (fields !== 7) return undefined;
    } else return undefined;
  }
  const close = s.i;
  s.i++;
  s.space();
  if (s.i < text.length) return undefined;
  if (!stem || !head || stages !== (1 << STAGE_COUNT) - 1) return undefined;
  return { kw, nameStart, nameEnd, open, close, code };
}

/** The analysis of a text that is one valid structured network drawing no diagnostic, or undefined (use the parser). */
export function analyzeStructured(text: string): OneLineAnalysis | undefined {
  const p = scan(text);
  // Warnings too (out of range): the parser builds those networks, with their diagnostics.
  if (!p || validateCode(p.code).length > 0) return undefined;
  const lines = new LineIndex(text);
  const d: CompactParts = {
    name: text.slice(p.nameStart, p.nameEnd),
    nameRange: lines.range(p.nameStart, p.nameEnd),
    range: lines.range(p.kw, p.close + 1),
    keywordRange: lines.range(p.kw, p.kw + 7),
    openBrace: lines.range(p.open, p.open + 1),
    closeBrace: lines.range(p.close, p.close + 1),
    code: p.code,
  };
  return { decl: compactFrom(d, text, lines.source), diagnostics: [], lines };
}
