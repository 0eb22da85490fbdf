// Tokens of the `.ncp` language. Names may contain inner hyphens (`seg-4x`, `cls-50-1000`,
// `winner-takes-all`) because the benchmark's setting names do and the language has no
// subtraction: `seg-4x.mIoU` lexes as Identifier Dot Identifier, `2.5` as one Number.
import type { IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff\u2028\u2029]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
/** A block comment that runs to the end of the file: reported, and kept so no text is lost. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'comments', line_breaks: true });

export const StringLit = createToken({ name: 'String', pattern: /"[^"\r\n]*"/, label: 'a string' });
/** A string missing its closing quote stops at the end of its line and still parses as a string. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"[^"\r\n]*/, categories: [StringLit], label: 'a string' });

/**
 * What a declared name may be: any word but the declaration keywords. Other keywords are
 * contextual (a network may be called `head`), since the parser cuts the document at
 * `network` / `cell` / `propagate` and those alone must stay reserved.
 */
export const NameTok = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/, label: 'a name', categories: [NameTok] });
/**
 * A name that starts with digits, like the authors' `3ddet` setting: digits then at least two
 * letters, so numbers (`1e5`, `2.5`) and a unit glued to a number stay as they were. It counts as
 * an Identifier wherever one is expected (settings, metrics).
 */
export const DigitName = createToken({ name: 'DigitName', pattern: /\d+[A-Za-z_]{2,}[A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/, label: 'a name', categories: [Identifier] });
export const NumberTok = createToken({ name: 'Number', pattern: /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/, label: 'a number' });

function keyword(word: string, reserved = false): TokenType {
  return createToken({ name: `kw_${word}`, pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'`, categories: reserved ? [] : [NameTok] });
}

export const Network = keyword('network', true);
export const Cell = keyword('cell', true);
export const Propagate = keyword('propagate', true);
export const From = keyword('from');
export const Stem = keyword('stem');
export const Stage = keyword('stage');
export const Blocks = keyword('blocks');
export const Units = keyword('units');
export const Channels = keyword('channels');
export const Head = keyword('head');
export const Maximize = keyword('maximize');
export const Flops = keyword('flops');
export const Params = keyword('params');
export const Lambda = keyword('lambda');
export const Strategy = keyword('strategy');
export const Steps = keyword('steps');
export const Lr = keyword('lr');
export const Restarts = keyword('restarts');
export const Seed = keyword('seed');
/** `input 512x1024 seg classes 19`: the size a block's budget counts at. */
export const Input = keyword('input');

export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
export const Star = createToken({ name: 'Star', pattern: /[*×]/, label: "'*'" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=|≤/, label: "'<='" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });

/** Keywords that start a declaration: the parser resynchronises at each of them. */
export const DECLARATION_KEYWORDS: readonly TokenType[] = [Network, Cell, Propagate];

export const KEYWORDS: readonly TokenType[] = [
  Network, Cell, Propagate, From, Stem, Stage, Blocks, Units, Channels, Head,
  Maximize, Flops, Params, Lambda, Strategy, Steps, Lr, Restarts, Seed, Input,
];

export const allTokens: TokenType[] = [
  NameTok,
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLit,
  UnterminatedString,
  ...KEYWORDS,
  Identifier,
  DigitName,
  // Before Dot so `.5` is a number; after Identifier so `seg-4x` stays one name.
  NumberTok,
  LBrace, RBrace, LBracket, RBracket, Comma, Dot, Star, Equals, LessEq, Semicolon,
];

export const ncpLexer = new Lexer(allTokens, {
  // Offsets only: 'full' tracking costs ~4× the lexing time. LSP positions come from our own line
  // table (UTF-16, \r\n-aware).
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
});

const keywordSet = new Set<TokenType>(KEYWORDS);
export function isKeyword(t: TokenType): boolean {
  return keywordSet.has(t);
}

export interface LexOutput {
  tokens: IToken[];
  comments: IToken[];
  errors: { offset: number; length: number; message: string }[];
}

export function lex(text: string): LexOutput {
  const r = ncpLexer.tokenize(text);
  return {
    tokens: r.tokens,
    comments: r.groups.comments ?? [],
    errors: r.errors.map((e) => ({
      offset: e.offset,
      length: e.length,
      message: `unexpected character '${text.substr(e.offset, e.length).slice(0, 20)}'`,
    })),
  };
}
