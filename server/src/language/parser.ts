// The `.ncp` parser: Chevrotain (LL, with error recovery) builds a CST per declaration, which
// `toAst` turns into the typed tree of ast.ts. The token stream is cut at every declaration
// keyword (`network`, `cell`, `propagate` — they can appear nowhere else) and each piece is
// parsed on its own, so a typo in one block never costs the analysis of another.
import type { CstNode, IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { CstParser, EOF, tokenLabel, tokenMatcher } from './chevrotain';
import * as T from './lexer';
import type {
  Budget,
  CellDecl,
  Comment,
  Declaration,
  HeadClause,
  Name,
  NcpDocument,
  NetworkClause,
  NetworkDecl,
  NetworkNumber,
  NumberList,
  NumberLit,
  NumericOption,
  NumericOptionName,
  Objective,
  PropagateDecl,
  PropagateStatement,
  Range,
  SearchDecl,
  SearchStatement,
  StageField,
  StemClause,
  StrategyOption,
  InputOption,
} from './ast';
import { LineIndex, NetNumber } from './positions';
import { closest, didYouMean } from './suggest';

const describe = (t: IToken | undefined): string => {
  if (!t || t.tokenType === EOF) return 'the end of the file';
  const img = t.image.length > 24 ? `${t.image.slice(0, 24)}…` : t.image;
  return `'${img}'`;
};

const KEYWORD_WORDS = T.KEYWORDS.map((k) => tokenLabel(k).replace(/'/g, ''));
const NETWORK_CLAUSES = "'stem', 'stage', 'head' or '}'";
const STAGE_FIELDS = "'blocks', 'units', 'channels'";
const SEARCH_STATEMENTS = "a statement ('maximize', 'flops', 'params', 'lambda', 'seed', 'input', 'measurements', 'batch', 'measure', 'jobs', 'retries', 'slurm') or '}'";
const STATEMENTS = "a statement ('maximize', 'flops', 'params', 'lambda', 'strategy', 'steps', 'lr', 'restarts', 'seed', 'input') or '}'";

/** A misspelt keyword is the likeliest cause of most errors: name the keyword it resembles. */
function keywordHint(t: IToken | undefined): string {
  if (!t || t.tokenType !== T.Identifier) return '';
  return didYouMean(closest(t.image, KEYWORD_WORDS, 1));
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (expected === T.RBrace && ruleName === 'networkDecl') {
      return `expected ${NETWORK_CLAUSES} (or ${STAGE_FIELDS} inside a stage), found ${describe(actual)}${keywordHint(actual)}`;
    }
    if (expected === T.RBrace && ruleName === 'propagateDecl') {
      return `expected ${STATEMENTS}, found ${describe(actual)}${keywordHint(actual)}`;
    }
    if (expected === T.RBrace && ruleName === 'searchDecl') {
      return `expected ${SEARCH_STATEMENTS}, found ${describe(actual)}${keywordHint(actual)}`;
    }
    if (expected === T.RBracket) return `expected a number or ']', found ${describe(actual)}`;
    if (expected === T.From) return `expected 'from NAME' after the propagation's name, found ${describe(actual)}`;
    if (expected === T.NameTok) {
      const kw = actual.tokenType !== EOF && T.isKeyword(actual.tokenType) ? ` ('${actual.image}' is a keyword)` : '';
      return `expected a name, found ${describe(actual)}${kw}`;
    }
    return `expected ${tokenLabel(expected)}, found ${describe(actual)}${keywordHint(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    const hint = keywordHint(firstRedundant) || "; a new declaration starts with 'network', 'cell' or 'propagate'";
    return `unexpected ${describe(firstRedundant)} after the end of the declaration${hint}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const first = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) first.add(tokenLabel(path[0]));
    const list = [...first];
    const what = list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
    const where = ruleName !== 'networkDecl' ? '' : first.has("'{'") ? " after the network's name" : " after '='";
    return `expected ${what}${where}, found ${describe(actual[0])}${keywordHint(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const list = [...new Set(expectedIterationPaths.map((p) => tokenLabel(p[0])))];
    return `expected at least one ${list.join(' or ')}, found ${describe(actual[0])}`;
  },
};

/** A token that continues an `input` statement: a number, `x`, `×`/`*`, `x1024`, a head or `classes`. */
function inputPart(t: IToken): boolean {
  if (t.tokenType === T.NumberTok || t.tokenType === T.Star) return true;
  return t.tokenType === T.Identifier && /^(?:x|X|x\d+|X\d+|cls|seg|classes)$/.test(t.image);
}

class NcpCstParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, errorMessageProvider: messages, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  declaration = this.RULE('declaration', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.networkDecl) },
      { ALT: () => this.SUBRULE(this.cellDecl) },
      { ALT: () => this.SUBRULE(this.propagateDecl) },
      { ALT: () => this.SUBRULE(this.searchDecl) },
    ]);
  });

  // `search` is an Identifier (a contextual keyword): the segment cutter decides where it starts a declaration.
  searchDecl = this.RULE('searchDecl', () => {
    this.CONSUME(T.Identifier, { LABEL: 'kw_search' });
    this.CONSUME(T.NameTok, { LABEL: 'name' });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.searchStatement));
    this.CONSUME(T.RBrace);
  });

  searchStatement = this.RULE('searchStatement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.statement) },
      {
        // `measurements "file"`, `batch K`, or a word analysis reports (contextual, so no new keywords)
        ALT: () => {
          this.CONSUME2(T.Identifier, { LABEL: 'word' });
          this.OR2([{ ALT: () => this.CONSUME(T.StringLit) }, { ALT: () => this.CONSUME(T.NumberTok) }]);
        },
      },
    ]);
  });

  networkDecl = this.RULE('networkDecl', () => {
    this.CONSUME(T.Network);
    this.CONSUME(T.NameTok, { LABEL: 'name' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBrace);
          this.MANY(() => this.SUBRULE(this.networkClause));
          this.CONSUME(T.RBrace);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          this.OR2([{ ALT: () => this.CONSUME(T.StringLit) }, { ALT: () => this.SUBRULE(this.numberList) }]);
        },
      },
    ]);
  });

  networkClause = this.RULE('networkClause', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.stemClause) },
      { ALT: () => this.SUBRULE(this.stageClause) },
      { ALT: () => this.SUBRULE(this.headClause) },
    ]);
  });

  stemClause = this.RULE('stemClause', () => {
    this.CONSUME(T.Stem);
    this.MANY(() => this.CONSUME(T.NumberTok));
  });

  headClause = this.RULE('headClause', () => {
    this.CONSUME(T.Head);
    this.MANY(() => this.CONSUME(T.NumberTok));
  });

  stageClause = this.RULE('stageClause', () => {
    this.CONSUME(T.Stage);
    this.OPTION(() => this.CONSUME(T.NumberTok, { LABEL: 'index' }));
    this.MANY(() => this.SUBRULE(this.stageField));
  });

  stageField = this.RULE('stageField', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Blocks);
          this.CONSUME(T.NumberTok);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Units);
          this.SUBRULE(this.numberList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Channels);
          this.SUBRULE2(this.numberList);
        },
      },
    ]);
  });

  numberList = this.RULE('numberList', () => {
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      this.CONSUME(T.NumberTok);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  cellDecl = this.RULE('cellDecl', () => {
    this.CONSUME(T.Cell);
    this.CONSUME(T.NameTok, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.CONSUME(T.StringLit);
  });

  propagateDecl = this.RULE('propagateDecl', () => {
    this.CONSUME(T.Propagate);
    this.CONSUME(T.NameTok, { LABEL: 'name' });
    this.CONSUME(T.From);
    this.CONSUME2(T.NameTok, { LABEL: 'from' });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RBrace);
  });

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.objective) },
      { ALT: () => this.SUBRULE(this.budget) },
      { ALT: () => this.SUBRULE(this.numericOption) },
      { ALT: () => this.SUBRULE(this.strategyOption) },
      { ALT: () => this.SUBRULE(this.inputOption) },
      { ALT: () => this.CONSUME(T.Semicolon) },
    ]);
  });

  objective = this.RULE('objective', () => {
    this.CONSUME(T.Maximize);
    this.OPTION(() => {
      this.CONSUME(T.NumberTok, { LABEL: 'weight' });
      this.CONSUME(T.Star);
    });
    this.CONSUME(T.Identifier, { LABEL: 'setting' });
    this.OPTION2(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier, { LABEL: 'metric' });
    });
  });

  budget = this.RULE('budget', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Flops, { LABEL: 'kw' }) }, { ALT: () => this.CONSUME(T.Params, { LABEL: 'kw' }) }]);
    this.CONSUME(T.LessEq);
    this.CONSUME(T.NumberTok);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'unit' }));
  });

  numericOption = this.RULE('numericOption', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Lambda, { LABEL: 'kw' }) },
      { ALT: () => this.CONSUME(T.Steps, { LABEL: 'kw' }) },
      { ALT: () => this.CONSUME(T.Lr, { LABEL: 'kw' }) },
      { ALT: () => this.CONSUME(T.Restarts, { LABEL: 'kw' }) },
      { ALT: () => this.CONSUME(T.Seed, { LABEL: 'kw' }) },
    ]);
    this.CONSUME(T.NumberTok);
  });

  // `input 512x1024 seg classes 19`: loose here (512x1024 lexes as 512 and x1024), checked by analysis.
  inputOption = this.RULE('inputOption', () => {
    this.CONSUME(T.Input, { LABEL: 'kw' });
    this.CONSUME(T.NumberTok, { LABEL: 'part' });
    this.MANY({
      GATE: () => inputPart(this.LA(1)),
      DEF: () => this.OR([
        { ALT: () => this.CONSUME2(T.NumberTok, { LABEL: 'part' }) },
        { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'part' }) },
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'part' }) },
      ]),
    });
  });

  strategyOption = this.RULE('strategyOption', () => {
    this.CONSUME(T.Strategy);
    this.CONSUME(T.Identifier, { LABEL: 'value' });
  });
}

/** One parser for the process: Chevrotain parsers are reusable and costly to build. */
let shared: NcpCstParser | undefined;
function parser(): NcpCstParser {
  shared ??= new NcpCstParser();
  return shared;
}

export interface SyntaxError {
  message: string;
  range: Range;
  /** 'lex' for characters no token matches, 'unterminated-string' / 'unterminated-comment', 'parse' otherwise. */
  kind: 'lex' | 'parse' | 'unterminated-string' | 'unterminated-comment';
}

export interface ParseResult {
  document: NcpDocument;
  errors: SyntaxError[];
  /** Every non-comment token (for semantic tokens and the formatter). */
  tokens: IToken[];
  /** Comment tokens. */
  comments: IToken[];
  lines: LineIndex;
}

const DECL_START = new Set<TokenType>(T.DECLARATION_KEYWORDS);
const NOT_BEFORE_SEARCH = new Set<TokenType>([...T.DECLARATION_KEYWORDS, T.From]);

/**
 * Whether token i starts a search block: the word `search`, then a name and '{', not as the name
 * of a declaration or the start of a propagation (`network search = …`, `from search {`).
 */
export function startsSearch(toks: readonly IToken[], i: number): boolean {
  const t = toks[i];
  if (t.tokenType !== T.Identifier || t.image !== 'search') return false;
  const name = toks[i + 1];
  if (!name || !tokenMatcher(name, T.NameTok) || toks[i + 2]?.tokenType !== T.LBrace) return false;
  return i === 0 || !NOT_BEFORE_SEARCH.has(toks[i - 1].tokenType);
}

const isReal = (t: IToken | undefined): t is IToken => t !== undefined && !t.isInsertedInRecovery && !Number.isNaN(t.startOffset);

/** `lines`: the index whose ranges the tree gets (a compact network rebuilds its tree with its own, see compactStructured.ts). */
export function parse(text: string, lines: LineIndex = new LineIndex(text)): ParseResult {
  const lexed = T.lex(text);
  const errors: SyntaxError[] = [];
  const r = (t: IToken): Range => lines.range(t.startOffset, t.startOffset + t.image.length);

  for (const e of lexed.errors) {
    errors.push({ kind: 'lex', message: e.message, range: lines.range(e.offset, e.offset + e.length) });
  }
  const comments: Comment[] = lexed.comments.map((c) => {
    const terminated = c.tokenType !== T.UnterminatedComment;
    if (!terminated) {
      errors.push({
        kind: 'unterminated-comment',
        message: "unterminated comment: '/*' has no closing '*/' (the rest of the file is inside it)",
        range: lines.range(c.startOffset, c.startOffset + 2),
      });
    }
    return { text: c.image, range: r(c), block: c.tokenType !== T.LineComment, terminated };
  });
  for (const t of lexed.tokens) {
    if (t.tokenType === T.UnterminatedString) {
      errors.push({ kind: 'unterminated-string', message: 'unterminated string: add the closing \'"\' on the same line', range: r(t) });
    }
  }

  const declarations: Declaration[] = [];
  const toks = lexed.tokens;
  const p = parser();
  // Chevrotain recovers from errors by throwing: without stack traces a throw is ~10× cheaper, and
  // a file full of errors (a paste gone wrong) still analyses in milliseconds.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    parseSegments();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  errors.sort((a, b) => a.range.startOffset - b.range.startOffset);
  return { document: { declarations, comments }, errors, tokens: toks, comments: lexed.comments, lines };

  function parseSegments(): void {
    let i = 0;
    while (i < toks.length) {
      let j = i + 1;
      while (j < toks.length && !DECL_START.has(toks[j].tokenType) && !startsSearch(toks, j)) j++;
      const segment = toks.slice(i, j);
      // a stray `search …` (no name or brace yet) is parsed as a search block for a precise message
      const isSearch = segment[0].tokenType === T.Identifier && segment[0].image === 'search';
      if (!DECL_START.has(segment[0].tokenType) && !isSearch) {
        const first = segment[0];
        const last = segment[segment.length - 1];
        const hint = first.tokenType === T.Identifier ? didYouMean(closest(first.image, ['network', 'cell', 'propagate'], 1)) : '';
        errors.push({
          kind: 'parse',
          message: `expected a declaration ('network', 'cell' or 'propagate'), found ${describe(first)}${hint}`,
          range: lines.range(first.startOffset, last.startOffset + last.image.length),
        });
      } else {
        p.input = segment;
        const cst = p.declaration();
        const segEnd = segment[segment.length - 1];
        for (const e of p.errors) errors.push({ kind: 'parse', message: e.message, range: errorRange(e, segEnd, lines) });
        const decl = cst ? toDecl(cst, r, lines) : undefined;
        if (decl) {
          if (p.errors.length > 0) decl.syntaxErrors = true;
          declarations.push(decl);
        }
      }
      i = j;
    }
  }
}

function errorRange(e: IRecognitionException, segEnd: IToken, lines: LineIndex): Range {
  const t = e.token;
  if (isReal(t) && t.tokenType !== EOF) return lines.range(t.startOffset, t.startOffset + t.image.length);
  // At the end of the input: point just after the last real token.
  const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const anchor = isReal(prev) && prev.tokenType !== EOF ? prev : segEnd;
  const end = anchor.startOffset + anchor.image.length;
  return lines.range(end, end);
}

// ---- CST → AST -------------------------------------------------------------------------------
// Ranges come from the tokens each converter already holds (first token to last), so no subtree
// is walked twice: this conversion is the hot path of analysing a large document.

type RangeOf = (t: IToken) => Range;
/** Something with a source extent: a token or an already-built range. */
type Extent = IToken | Range | undefined;

const startOf = (x: IToken | Range): number => ('image' in x ? x.startOffset : x.startOffset);
const endOf = (x: IToken | Range): number => ('image' in x ? x.startOffset + x.image.length : x.endOffset);

/** Range from the first present extent's start to the furthest present extent's end. */
function cover(lines: LineIndex, first: Extent, ...rest: Extent[]): Range | undefined {
  let start = first ? startOf(first) : Infinity;
  let end = first ? endOf(first) : -Infinity;
  for (const x of rest) {
    if (!x) continue;
    const a = startOf(x);
    const b = endOf(x);
    if (a < start) start = a;
    if (b > end) end = b;
  }
  return end >= start ? lines.range(start, end) : undefined;
}

function tokensOf(node: CstNode, key: string): IToken[] {
  const list = node.children[key] as IToken[] | undefined;
  if (!list) return [];
  // Recovery may insert tokens that exist nowhere in the text: drop them.
  for (const t of list) if (!isReal(t)) return list.filter(isReal);
  return list;
}
function tokenOf(node: CstNode, key: string): IToken | undefined {
  const list = node.children[key] as IToken[] | undefined;
  if (!list) return undefined;
  for (const t of list) if (isReal(t)) return t;
  return undefined;
}
function nodeOf(node: CstNode, key: string): CstNode | undefined {
  return (node.children[key] as CstNode[] | undefined)?.[0];
}
function nodesOf(node: CstNode, key: string): CstNode[] {
  return (node.children[key] as CstNode[] | undefined) ?? [];
}
const last = <X>(xs: readonly X[]): X | undefined => xs[xs.length - 1];

function numberLit(t: IToken, r: RangeOf): NumberLit {
  return { value: Number(t.image), text: t.image, range: r(t) };
}

/** A number inside a network: the same object becomes its NetworkNumber once analysis knows its position. */
function netNumber(t: IToken, lines: LineIndex): NetworkNumber {
  return new NetNumber(Number(t.image), lines.range(t.startOffset, t.startOffset + t.image.length));
}

function nameOf(t: IToken | undefined, r: RangeOf): Name | undefined {
  return t ? { text: t.image, range: r(t) } : undefined;
}

function numberList(node: CstNode, r: RangeOf, lines: LineIndex): NumberList | undefined {
  const items = tokensOf(node, 'Number').map((t) => netNumber(t, lines));
  const range = cover(lines, tokenOf(node, 'LBracket'), items[0]?.range, last(items)?.range, tokenOf(node, 'RBracket'));
  return range ? { items, range } : undefined;
}

function toDecl(cst: CstNode, r: RangeOf, lines: LineIndex): Declaration | undefined {
  const inner = nodeOf(cst, 'networkDecl') ?? nodeOf(cst, 'cellDecl') ?? nodeOf(cst, 'propagateDecl') ?? nodeOf(cst, 'searchDecl');
  if (!inner) return undefined;
  const kwKey = { networkDecl: 'kw_network', cellDecl: 'kw_cell', propagateDecl: 'kw_propagate', searchDecl: 'kw_search' }[inner.name] ?? 'kw_propagate';
  const kwTok = tokenOf(inner, kwKey);
  if (!kwTok) return undefined;
  const nameTok = tokenOf(inner, 'name');
  const keywordRange = r(kwTok);
  // A declaration without a name still gets a node (empty name at the keyword's end) so its body is analysed.
  const name = nameTok?.image ?? '';
  const nameRange = nameTok ? r(nameTok) : lines.range(keywordRange.endOffset, keywordRange.endOffset);

  if (inner.name === 'networkDecl') {
    const equals = tokenOf(inner, 'Equals');
    const str = tokenOf(inner, 'String');
    const listNode = nodeOf(inner, 'numberList');
    if (equals || str || listNode) {
      const list = listNode ? numberList(listNode, r, lines) : undefined;
      const range = cover(lines, kwTok, nameTok, equals, str, list?.range)!;
      const decl: NetworkDecl = { name, nameRange, range, keywordRange, kind: 'network', form: str || !list ? 'string' : 'list', numbers: [] };
      if (decl.form === 'string') {
        if (str) decl.string = stringOf(str, r);
      } else decl.list = list;
      return decl;
    }
    const open = tokenOf(inner, 'LBrace');
    const close = tokenOf(inner, 'RBrace');
    const clauses: NetworkClause[] = [];
    for (const c of nodesOf(inner, 'networkClause')) {
      const clause = networkClause(c, r, lines);
      if (clause) clauses.push(clause);
    }
    const range = cover(lines, kwTok, nameTok, open, last(clauses)?.range, close)!;
    const decl: NetworkDecl = { name, nameRange, range, keywordRange, kind: 'network', form: 'structured', numbers: [], clauses };
    if (open) decl.openBrace = r(open);
    if (close) decl.closeBrace = r(close);
    return decl;
  }
  if (inner.name === 'cellDecl') {
    const str = tokenOf(inner, 'String');
    const range = cover(lines, kwTok, nameTok, tokenOf(inner, 'Equals'), str)!;
    const decl: CellDecl = { name, nameRange, range, keywordRange, kind: 'cell', ops: [] };
    if (str) decl.string = stringOf(str, r);
    return decl;
  }
  if (inner.name === 'searchDecl') {
    const open = tokenOf(inner, 'LBrace');
    const close = tokenOf(inner, 'RBrace');
    const statements: SearchStatement[] = [];
    for (const s of nodesOf(inner, 'searchStatement')) {
      const st = searchStatement(s, r, lines);
      if (st) statements.push(st);
    }
    const range = cover(lines, kwTok, nameTok, open, last(statements)?.range, close)!;
    const decl: SearchDecl = { name, nameRange, range, keywordRange, kind: 'search', statements, objectives: [], options: {} };
    if (open) decl.openBrace = r(open);
    if (close) decl.closeBrace = r(close);
    return decl;
  }
  const fromTok = tokenOf(inner, 'from');
  const open = tokenOf(inner, 'LBrace');
  const close = tokenOf(inner, 'RBrace');
  const statements: PropagateStatement[] = [];
  for (const s of nodesOf(inner, 'statement')) {
    const st = statement(s, r, lines);
    if (st) statements.push(st);
  }
  const range = cover(lines, kwTok, nameTok, tokenOf(inner, 'kw_from'), fromTok, open, last(statements)?.range, close)!;
  const decl: PropagateDecl = { name, nameRange, range, keywordRange, kind: 'propagate', statements, objectives: [], options: {} };
  decl.from = nameOf(fromTok, r);
  if (open) decl.openBrace = r(open);
  if (close) decl.closeBrace = r(close);
  return decl;
}

function stringOf(t: IToken, r: RangeOf): { value: string; range: Range; terminated: boolean } {
  const terminated = t.tokenType !== T.UnterminatedString;
  return { value: terminated ? t.image.slice(1, -1) : t.image.slice(1), range: r(t), terminated };
}

function networkClause(node: CstNode, r: RangeOf, lines: LineIndex): NetworkClause | undefined {
  const stem = nodeOf(node, 'stemClause');
  const head = stem ? undefined : nodeOf(node, 'headClause');
  if (stem || head) {
    const inner = (stem ?? head)!;
    const kw = tokenOf(inner, stem ? 'kw_stem' : 'kw_head');
    if (!kw) return undefined;
    const values = tokensOf(inner, 'Number').map((t) => netNumber(t, lines));
    const range = cover(lines, kw, last(values)?.range)!;
    return { kind: stem ? 'stem' : 'head', keywordRange: r(kw), values, range } as StemClause | HeadClause;
  }
  const inner = nodeOf(node, 'stageClause');
  if (!inner) return undefined;
  const kw = tokenOf(inner, 'kw_stage');
  if (!kw) return undefined;
  const idx = tokenOf(inner, 'index');
  const fields: StageField[] = [];
  for (const f of nodesOf(inner, 'stageField')) {
    const b = tokenOf(f, 'kw_blocks');
    const u = b ? undefined : tokenOf(f, 'kw_units');
    const c = b || u ? undefined : tokenOf(f, 'kw_channels');
    const k = b ?? u ?? c;
    if (!k) continue;
    const field: StageField = { field: b ? 'blocks' : u ? 'units' : 'channels', keywordRange: r(k), range: undefined as unknown as Range };
    if (b) {
      const n = tokenOf(f, 'Number');
      if (n) field.value = netNumber(n, lines);
    } else {
      const l = nodeOf(f, 'numberList');
      if (l) field.list = numberList(l, r, lines);
    }
    field.range = cover(lines, field.keywordRange, field.value?.range, field.list?.range)!;
    fields.push(field);
  }
  const index = idx ? netNumber(idx, lines) : undefined;
  const range = cover(lines, kw, index?.range, last(fields)?.range)!;
  return { kind: 'stage', keywordRange: r(kw), index, fields, range };
}

const NUMERIC_OPTIONS: Record<string, NumericOptionName> = {
  kw_lambda: 'lambda',
  kw_steps: 'steps',
  kw_lr: 'lr',
  kw_restarts: 'restarts',
  kw_seed: 'seed',
};

function searchStatement(node: CstNode, r: RangeOf, lines: LineIndex): SearchStatement | undefined {
  const st = nodeOf(node, 'statement');
  if (st) return statement(st, r, lines);
  const word = tokenOf(node, 'word');
  if (!word) return undefined;
  const str = tokenOf(node, 'String');
  const num = tokenOf(node, 'Number');
  const range = cover(lines, word, str, num)!;
  const keywordRange = r(word);
  if (word.image === 'measurements' && str) return { kind: 'measurements', keywordRange, value: stringOf(str, r), range };
  if (word.image === 'batch' && num) return { kind: 'batch', keywordRange, value: numberLit(num, r), range };
  if (word.image === 'measure' && str) return { kind: 'measure', keywordRange, value: stringOf(str, r), range };
  if (word.image === 'jobs' && num) return { kind: 'jobs', keywordRange, value: numberLit(num, r), range };
  if (word.image === 'retries' && num) return { kind: 'retries', keywordRange, value: numberLit(num, r), range };
  if (word.image === 'slurm' && str) return { kind: 'slurm', keywordRange, value: stringOf(str, r), range };
  return { kind: 'unknown', keywordRange, word: word.image, valueText: (str ?? num)?.image ?? '', range };
}

function statement(node: CstNode, r: RangeOf, lines: LineIndex): PropagateStatement | undefined {
  const obj = nodeOf(node, 'objective');
  if (obj) {
    const kw = tokenOf(obj, 'kw_maximize');
    if (!kw) return undefined;
    const w = tokenOf(obj, 'weight');
    const setting = tokenOf(obj, 'setting');
    const metric = tokenOf(obj, 'metric');
    const range = cover(lines, kw, w, tokenOf(obj, 'Star'), setting, tokenOf(obj, 'Dot'), metric)!;
    const o: Objective = { kind: 'maximize', keywordRange: r(kw), weight: w ? Number(w.image) : 1, range };
    if (w) o.weightLit = numberLit(w, r);
    o.setting = nameOf(setting, r);
    o.metric = nameOf(metric, r);
    return o;
  }
  const bud = nodeOf(node, 'budget');
  if (bud) {
    const kw = tokenOf(bud, 'kw');
    if (!kw) return undefined;
    const n = tokenOf(bud, 'Number');
    const unit = tokenOf(bud, 'unit');
    const range = cover(lines, kw, tokenOf(bud, 'LessEq'), n, unit)!;
    const b: Budget = { kind: kw.tokenType === T.Flops ? 'flops' : 'params', keywordRange: r(kw), range };
    if (n) b.value = numberLit(n, r);
    b.unit = nameOf(unit, r);
    return b;
  }
  const num = nodeOf(node, 'numericOption');
  if (num) {
    const kw = tokenOf(num, 'kw');
    if (!kw) return undefined;
    const n = tokenOf(num, 'Number');
    const o: NumericOption = { kind: NUMERIC_OPTIONS[kw.tokenType.name], keywordRange: r(kw), range: cover(lines, kw, n)! };
    if (n) o.value = numberLit(n, r);
    return o;
  }
  const inp = nodeOf(node, 'inputOption');
  if (inp) {
    const kw = tokenOf(inp, 'kw');
    if (!kw) return undefined;
    const parts = tokensOf(inp, 'part').filter(isReal).sort((a, b) => a.startOffset - b.startOffset);
    const o: InputOption = { kind: 'input', keywordRange: r(kw), parts: parts.map((t) => ({ text: t.image, range: r(t) })), range: cover(lines, kw, ...parts)! };
    return o;
  }
  const strat = nodeOf(node, 'strategyOption');
  if (strat) {
    const kw = tokenOf(strat, 'kw_strategy');
    if (!kw) return undefined;
    const v = tokenOf(strat, 'value');
    const s: StrategyOption = { kind: 'strategy', keywordRange: r(kw), range: cover(lines, kw, v)! };
    s.value = nameOf(v, r);
    return s;
  }
  return undefined;
}
