// A network declaration's numbers mapped onto the 27-integer code, in each of the three forms,
// with the structural and range checks of core/space/multires.ts tied to exact source ranges.
import {
  BENCHMARK_RANGE,
  CODE_KINDS,
  CODE_LAYOUT,
  CODE_LENGTH,
  CodeFormatError,
  STAGE_COUNT,
  parseCodeString,
  snapToRange,
  stageOffset,
  validateCode,
  type DimKind,
} from '../core/space/multires';
import type { NetworkDecl, NetworkNumber, NumberLit, Range, StageClause, StageFieldName } from './ast';
import type { NcpDiagnostic } from './diagnostics';
import { NetNumber, type LineIndex } from './positions';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Fills `decl.numbers` and, when the network is structurally valid, `decl.code`; reports problems. */
/** What the analysis needs of a line index: ranges (the one-line fast path rebuilds numbers with its own). */
export type RangeMaker = Pick<LineIndex, 'range'>;

export function analyzeNetwork(decl: NetworkDecl, lines: RangeMaker, out: NcpDiagnostic[]): void {
  if (decl.form === 'structured') structured(decl, out);
  else if (decl.form === 'list') listForm(decl, out);
  else stringForm(decl, lines, out);
}

function err(out: NcpDiagnostic[], range: Range, code: string, message: string, data?: Record<string, unknown>): void {
  out.push({ range, severity: 'error', code, message, ...(data ? { data } : {}) });
}

/** Value checks of the numbers that map to code positions (integers, positive, benchmark range). */
function checkValues(decl: NetworkDecl, values: (number | undefined)[], out: NcpDiagnostic[]): boolean {
  // validateCode needs all 27 numbers: fill the gaps with an in-range value so only real numbers are judged.
  const filled = values.map((v, i) => v ?? BENCHMARK_RANGE[CODE_KINDS[i]].min);
  const issues = validateCode(filled);
  if (issues.length === 0) return true;
  const byIndex: (NetworkNumber | undefined)[] = new Array(CODE_LENGTH);
  for (const n of decl.numbers) if (n.role === 'code') byIndex[n.index] = n;
  let ok = true;
  for (const issue of issues) {
    const n = byIndex[issue.index];
    if (!n) continue;
    const kind = CODE_KINDS[issue.index];
    const data = { index: issue.index, path: issue.path, kind, value: n.value };
    if (issue.severity === 'error') {
      ok = false;
      const code = Number.isInteger(n.value) ? 'not-positive' : 'not-integer';
      const fix = Number.isFinite(n.value) ? snapToRange(kind, n.value) : BENCHMARK_RANGE[kind].min;
      err(out, n.range, code, issue.message, { ...data, suggestion: fix });
    } else {
      out.push({
        range: n.range,
        severity: 'warning',
        code: 'out-of-range',
        message: issue.message,
        data: { ...data, suggestion: snapToRange(kind, n.value) },
      });
    }
  }
  return ok;
}

/** Checks the values of numbers that map to no position (extra branch entries) by the kind of their list. */
function checkLooseValue(n: NumberLit, kind: DimKind, out: NcpDiagnostic[]): void {
  const what = kind === 'channels' ? 'channel count' : kind === 'blocks' ? 'block count' : 'unit count';
  const data = { kind, value: n.value, suggestion: Number.isFinite(n.value) ? snapToRange(kind, n.value) : BENCHMARK_RANGE[kind].min };
  if (!Number.isInteger(n.value)) err(out, n.range, 'not-integer', `${what} must be an integer, got ${n.text}`, data);
  else if (n.value <= 0) err(out, n.range, 'not-positive', `${what} must be positive, got ${n.text}`, data);
}

function structured(decl: NetworkDecl, out: NcpDiagnostic[]): void {
  const values: (number | undefined)[] = new Array(CODE_LENGTH).fill(undefined);
  let complete = true;
  const anchor = decl.nameRange;
  const push = (lit: NumberLit, index: number, role: NetworkNumber['role']): void => {
    // The parser made network numbers as NetworkNumber objects: fill in their position, no copy.
    const n = lit as NetworkNumber;
    n.index = index;
    n.role = role;
    decl.numbers.push(n);
    if (role === 'code') values[index] = lit.value;
  };
  const seen = { stem: false, head: false };
  const stages = new Map<number, StageClause>();
  for (const c of decl.clauses ?? []) {
    if (c.kind === 'stem' || c.kind === 'head') {
      const want = c.kind === 'stem' ? 2 : 1;
      if (seen[c.kind]) {
        err(out, c.keywordRange, 'duplicate-clause', `'${c.kind}' is given twice in network '${decl.name}'`);
        c.values.forEach((v) => push(v, -1, 'extra'));
        continue;
      }
      seen[c.kind] = true;
      c.values.forEach((v, i) =>
        i < want ? push(v, c.kind === 'stem' ? i : CODE_LENGTH - 1, 'code') : (push(v, -1, 'extra'), checkLooseValue(v, 'channels', out)),
      );
      if (c.values.length !== want) {
        complete = false;
        const msg =
          c.kind === 'stem'
            ? `the stem has two convolutions: 'stem' needs 2 channel counts, got ${c.values.length}`
            : `'head' needs 1 channel count, got ${c.values.length}`;
        err(out, c.range, c.kind === 'stem' ? 'stem-count' : 'head-count', msg, { expected: want, actual: c.values.length });
      }
      continue;
    }
    // stage
    const k = c.index?.value;
    if (c.index) push(c.index, -1, 'stage');
    if (k === undefined || !Number.isInteger(k) || k < 1 || k > STAGE_COUNT) {
      complete = false;
      err(
        out,
        c.index?.range ?? c.keywordRange,
        'bad-stage',
        c.index ? `a network has stages 1–${STAGE_COUNT}, got 'stage ${c.index.text}'` : `'stage' needs its number (1–${STAGE_COUNT})`,
      );
      for (const f of c.fields) for (const v of f.list?.items ?? (f.value ? [f.value] : [])) push(v, -1, 'extra');
      continue;
    }
    if (stages.has(k)) {
      complete = false;
      err(out, c.index?.range ?? c.keywordRange, 'duplicate-clause', `stage ${k} is given twice in network '${decl.name}'`);
      for (const f of c.fields) for (const v of f.list?.items ?? (f.value ? [f.value] : [])) push(v, -1, 'extra');
      continue;
    }
    stages.set(k, c);
    const o = stageOffset(k);
    const given = new Set<StageFieldName>();
    for (const f of c.fields) {
      if (given.has(f.field)) {
        complete = false;
        err(out, f.keywordRange, 'duplicate-clause', `'${f.field}' is given twice in stage ${k}`);
        for (const v of f.list?.items ?? (f.value ? [f.value] : [])) push(v, -1, 'extra');
        continue;
      }
      given.add(f.field);
      if (f.field === 'blocks') {
        if (f.value) push(f.value, o, 'code');
        else complete = false;
        continue;
      }
      const kind: DimKind = f.field;
      const base = f.field === 'units' ? o + 1 : o + 1 + k;
      const items = f.list?.items ?? [];
      items.forEach((v, i) => (i < k ? push(v, base + i, 'code') : (push(v, -1, 'extra'), checkLooseValue(v, kind, out))));
      if (!f.list) {
        complete = false;
      } else if (items.length !== k) {
        complete = false;
        err(
          out,
          f.list.range,
          'branch-count',
          `stage ${k} has ${plural(k, 'branch', 'branches')}: ${f.field} needs ${plural(k, 'entry', 'entries')}, got ${items.length}`,
          { stage: k, field: f.field, expected: k, actual: items.length },
        );
      }
    }
    const missing = (['blocks', 'units', 'channels'] as const).filter((f) => !given.has(f));
    if (missing.length > 0) {
      complete = false;
      if (!decl.syntaxErrors) err(out, c.keywordRange, 'missing-field', `stage ${k} needs ${missing.map((m) => `'${m}'`).join(', ')}`, { stage: k, missing });
    }
  }
  const missingStages = [1, 2, 3, 4].filter((k) => !stages.has(k));
  const missing = [...(seen.stem ? [] : ['stem']), ...missingStages.map((k) => `stage ${k}`), ...(seen.head ? [] : ['head'])];
  if (missing.length > 0) {
    complete = false;
    // After a syntax error the parser may have skipped the clauses: the parse error says enough.
    if (!decl.syntaxErrors) err(out, anchor, 'missing-clause', `network '${decl.name}' needs ${missing.join(', ')}`, { missing });
  }
  decl.numbers.sort((a, b) => a.range.startOffset - b.range.startOffset);
  const ok = checkValues(decl, values, out);
  if (complete && ok && values.every((v) => v !== undefined)) decl.code = values as number[];
}

function listForm(decl: NetworkDecl, out: NcpDiagnostic[]): void {
  const list = decl.list;
  if (!list) return;
  const values: (number | undefined)[] = new Array(CODE_LENGTH).fill(undefined);
  list.items.forEach((v, i) => {
    const role = i < CODE_LENGTH ? 'code' : 'extra';
    const n = v as NetworkNumber;
    n.index = role === 'code' ? i : -1;
    n.role = role;
    decl.numbers.push(n);
    if (role === 'code') values[i] = v.value;
    else checkLooseValue(v, 'channels', out);
  });
  const lengthOk = list.items.length === CODE_LENGTH;
  if (!lengthOk) {
    err(out, list.range, 'code-length', `a network code has ${CODE_LENGTH} numbers, got ${list.items.length}`, {
      expected: CODE_LENGTH,
      actual: list.items.length,
    });
  }
  if (!lengthOk) {
    // Which number means what is unknown: judge only what is wrong everywhere (fractions, ≤ 0).
    list.items.forEach((v, i) => i < CODE_LENGTH && checkLooseValue(v, CODE_KINDS[i], out));
    return;
  }
  if (checkValues(decl, values, out)) decl.code = values as number[];
}

/** Pieces of the benchmark string: number-like fields between '-' (parts) and '_' (fields). */
interface StringPiece {
  part: number;
  field: number;
  start: number;
  end: number;
}

const FIELDS_PER_PART = [2, 4, 6, 8, 10, 1];

function stringForm(decl: NetworkDecl, lines: RangeMaker, out: NcpDiagnostic[]): void {
  const s = decl.string;
  if (!s || !s.terminated) return; // the lexer already reported the missing quote
  const v = s.value;
  const base = s.range.startOffset + 1;
  // Offsets only, positions when read (language/positions.ts: OffsetRange).
  const rangeIn = (a: number, b: number): Range => lines.range(base + a, base + b);
  // One pass: split at '-' and '_' and note where each part starts.
  const pieces: StringPiece[] = [];
  const partStarts = [0];
  let part = 0;
  let field = 0;
  let start = 0;
  for (let i = 0; i <= v.length; i++) {
    const c = i < v.length ? v.charCodeAt(i) : -1;
    if (c !== 45 /* - */ && c !== 95 /* _ */ && c !== -1) continue;
    pieces.push({ part, field, start, end: i });
    if (c === 45) {
      part++;
      field = 0;
      partStarts.push(i + 1);
    } else field++;
    start = i + 1;
  }
  const counts = new Array<number>(part + 1).fill(0);
  for (const p of pieces) counts[p.part]++;
  const shapeOk = counts.length === 6 && counts.every((n, i) => n === FIELDS_PER_PART[i]);
  // Record every number-like piece with its range, so hovers work even on a broken string.
  let allIntegers = true;
  const code: number[] = new Array(CODE_LENGTH);
  let stagesOk = true;
  for (const p of pieces) {
    let a = p.start;
    let b = p.end;
    while (a < b && v.charCodeAt(a) === 32) a++;
    while (b > a && v.charCodeAt(b - 1) === 32) b--;
    const t = v.slice(a, b);
    let digits = t.length > 0;
    for (let i = 0; i < t.length && digits; i++) {
      const c = t.charCodeAt(i);
      digits = c >= 48 && c <= 57;
    }
    if (!digits) {
      allIntegers = false;
      if (t.length === 0 || !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) continue;
    }
    const value = Number(t);
    let index = -1;
    let role: NetworkNumber['role'] = 'extra';
    if (shapeOk) {
      // Part 0 is the stem, 5 the head; in a stage part, field 1 repeats the stage's branch count.
      if (p.field === 1 && p.part >= 1 && p.part <= 4) {
        role = 'stage';
        if (value !== p.part) stagesOk = false;
      } else {
        role = 'code';
        index = p.part === 0 ? p.field : p.part === 5 ? CODE_LENGTH - 1 : stageOffset(p.part) + (p.field === 0 ? 0 : p.field - 1);
      }
    }
    if (index >= 0) code[index] = value;
    const n = new NetNumber(value, lines.range(base + a, base + b));
    n.index = index;
    n.role = role;
    decl.numbers.push(n);
  }
  if (shapeOk && allIntegers && stagesOk) {
    if (checkValues(decl, code, out)) decl.code = code;
    return;
  }
  // Something is off: the core's parser says what, and we point at the part it names.
  try {
    parseCodeString(v);
  } catch (e) {
    if (!(e instanceof CodeFormatError)) throw e;
    const m = /^(stem|stage (\d)|head)/.exec(e.message);
    let range = s.range;
    if (m && partStarts.length === 6) {
      const pi = m[1] === 'stem' ? 0 : m[1] === 'head' ? 5 : Number(m[2]);
      const end = pi + 1 < partStarts.length ? partStarts[pi + 1] - 1 : v.length;
      range = rangeIn(partStarts[pi], end);
    }
    err(out, range, 'bad-code-string', `${e.message}; the string form is ${FORM_HINT}`);
    return;
  }
  // parseCodeString accepted what our scan did not (e.g. signs): judge the values as usual.
  if (checkValues(decl, code, out)) decl.code = parseCodeString(v);
}

const FORM_HINT = "'c1_c2-b1_1_n_c-b2_2_n_n_c_c-b3_3_n_n_n_c_c_c-b4_4_n_n_n_n_c_c_c_c-head'";

/** Code position names for hovers (re-exported so features need not reach into core). */
export { CODE_LAYOUT };
