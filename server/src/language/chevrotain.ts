// Chevrotain 11 ships as ES modules only. tsx (our test and script runner) loads this CommonJS
// project's files with require(), and its resolver then fails on chevrotain's own imports of
// import-only packages (@chevrotain/utils: ERR_PACKAGE_PATH_NOT_EXPORTED). The package's
// self-contained bundle has no imports, so it loads under tsx, node and esbuild alike; the types
// still come from the package. Import chevrotain's runtime through this file only.
// @ts-expect-error -- the bundle has no declaration file of its own; typed just below.
import * as bundle from '../../../node_modules/chevrotain/lib/chevrotain.mjs';

type Chevrotain = typeof import('chevrotain');
const chevrotain = bundle as Chevrotain;

export const createToken: Chevrotain['createToken'] = chevrotain.createToken;
export const tokenLabel: Chevrotain['tokenLabel'] = chevrotain.tokenLabel;
export const Lexer: Chevrotain['Lexer'] = chevrotain.Lexer;
export const CstParser: Chevrotain['CstParser'] = chevrotain.CstParser;
export const EOF: Chevrotain['EOF'] = chevrotain.EOF;
export const tokenMatcher: Chevrotain['tokenMatcher'] = chevrotain.tokenMatcher;
